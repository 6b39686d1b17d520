<#
.SYNOPSIS
    The migration benchmark on a running lab (profile bench: nine 512 MB guests on dom0-a, link shaped to 1 Gbit/s):
    Move-XenDomain's wall time, with and without its readiness preflight, against the plain way,
    'ssh dom0-a xm migrate --live GUEST dom0-b', measured in turns in the same run. Prints each run, the medians,
    and Move-XenDomain's overhead against the target (at most 10 % + 1 s over plain ssh).
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $LabDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$config = Join-Path $LabDirectory 'ssh_config'
$destination = (Get-Content -Raw (Join-Path $LabDirectory 'lab.json') | ConvertFrom-Json).hosts | Where-Object name -EQ 'dom0-b'
New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $config | Out-Null

function Measure-Migration([string] $Way, [string] $Guest) {
    $result = $null
    $time = switch ($Way) {
        'plain' {
            Measure-Command {
                & ssh -F $config dom0-a xm migrate --live $Guest $destination.address
                if ($LASTEXITCODE -ne 0) { throw "Plain xm migrate of $Guest failed (exit code $LASTEXITCODE)." }
            }
        }
        'move' { Measure-Command { $script:result = Move-XenDomain -Name $Guest -ComputerName dom0-a -Destination dom0-b -Confirm:$false } }
        'move-skip' { Measure-Command { $script:result = Move-XenDomain -Name $Guest -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false } }
    }
    if ($Way -ne 'plain' -and $script:result.Status -ne 'Succeeded') { throw "Move-XenDomain of $Guest ended $($script:result.Status): $($script:result.Error)" }
    [pscustomobject]@{ Run = $Way; Guest = $Guest; Seconds = [math]::Round($time.TotalSeconds, 2) }
}

# The three ways take turns, so that a slower moment of the machine hits each of them alike.
$runs = @(
    Measure-Migration plain bench1; Measure-Migration move bench2; Measure-Migration move-skip bench3
    Measure-Migration move bench4; Measure-Migration move-skip bench5; Measure-Migration plain bench6
    Measure-Migration move-skip bench7; Measure-Migration plain bench8; Measure-Migration move bench9
)
$runs | Format-Table | Out-Host

function Get-Median([double[]] $Values) { $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)] }
$plain = Get-Median ($runs | Where-Object Run -EQ plain).Seconds
$target = $plain * 1.10 + 1
Write-Host "512 MB guest over a 1 Gbit/s lab link, median of 3 runs each:"
Write-Host ("  plain ssh + xm migrate --live                       : {0,6:N2} s" -f $plain)
foreach ($way in @(@('move', 'Move-XenDomain (preflight, lock, verification)'), @('move-skip', 'Move-XenDomain -SkipReadinessCheck'))) {
    $median = Get-Median ($runs | Where-Object Run -EQ $way[0]).Seconds
    Write-Host ("  {0,-51} : {1,6:N2} s = {2:N2} x plain, overhead {3:N2} s, target (10 % + 1 s = {4:N2} s) {5}" -f $way[1], $median, ($median / $plain), ($median - $plain), $target, $(if ($median -le $target) { 'met' } else { 'NOT met' }))
}
Get-XenSession | Remove-XenSession
