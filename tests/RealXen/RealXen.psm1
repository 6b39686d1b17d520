# Helpers of the real-Xen suite: commands on the dom0s over the run's own ssh_config, the counter guest, figures.

$script:Run = $null

function Get-RealXenRun {
    <# The running pair of dom0s that realxen.py started (its realxen.json), from $env:XENPS_REALXEN. #>
    if (-not $script:Run) {
        if (-not $env:XENPS_REALXEN) { throw 'XENPS_REALXEN is not set: run the suite with build.ps1 -Task RealXen.' }
        $script:Run = Get-Content -Raw (Join-Path $env:XENPS_REALXEN 'realxen.json') | ConvertFrom-Json
    }
    $script:Run
}

function Invoke-Dom0 {
    <# Runs a shell command on a dom0 (rx-a or rx-b) as root with plain ssh; returns its output lines, throws on failure. #>
    param([Parameter(Mandatory)][string] $Alias, [Parameter(Mandatory)][string] $Command, [switch] $AllowFailure)
    $output = & ssh -F (Get-RealXenRun).ssh_config -o BatchMode=yes $Alias $Command 2>&1
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) {
        throw "'$Command' on $Alias failed (exit code $LASTEXITCODE): $($output -join "`n")"
    }
    $output | ForEach-Object { "$_" }
}

function Get-CounterValue {
    <# The highest count the counter guest prints on its console on that dom0 within a few seconds: read from the
       console's pty, which xenstore names. $null when the guest is not there or printed nothing. #>
    param([Parameter(Mandatory)][string] $Alias)
    $script = 'd=$(xl domid counter 2>/dev/null) || exit 0; ' +
        'tty=$(xenstore-read /local/domain/$d/console/tty) || exit 0; ' +
        'stty -F "$tty" raw -echo && timeout 4 cat "$tty"; true'
    $counts = Invoke-Dom0 $Alias $script | ForEach-Object { [regex]::Matches($_, 'xenps-counter (\d+)') } |
        ForEach-Object { [long]$_.Groups[1].Value }
    if ($counts) { ($counts | Measure-Object -Maximum).Maximum } else { $null }
}

function Get-XlDomainNames {
    <# Names in the `xl list` table of a dom0 (names of this suite's guests have no blanks). #>
    param([Parameter(Mandatory)][string] $Alias)
    Invoke-Dom0 $Alias 'xl list' | Select-Object -Skip 1 | ForEach-Object { ($_ -split '\s+')[0] }
}

function Wait-Dom0Condition {
    <# Polls a shell test on a dom0 until it succeeds; throws with the description after the time limit. #>
    param([string] $Alias, [string] $Test, [string] $Description, [int] $Seconds = 300)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ((Invoke-Dom0 $Alias "if $Test; then echo yes; fi" -AllowFailure) -contains 'yes') { return }
        Start-Sleep -Seconds 1
    }
    throw "$Description did not happen on $Alias within $Seconds s."
}

function Add-RealXenFigure {
    <# Records one timed step as a line of the run's figures.jsonl, which build.ps1 prints after the suite. #>
    param([string] $Name, [double] $Seconds)
    $line = [pscustomobject]@{ Name = $Name; Seconds = [math]::Round($Seconds, 1) } | ConvertTo-Json -Compress
    Add-Content -LiteralPath (Join-Path $env:XENPS_REALXEN 'figures.jsonl') -Value $line
}

Export-ModuleMember -Function Get-RealXenRun, Invoke-Dom0, Get-CounterValue, Get-XlDomainNames, Wait-Dom0Condition, Add-RealXenFigure
