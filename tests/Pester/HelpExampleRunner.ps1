<#
.SYNOPSIS
    Runs the examples of one help page in a process of its own, as a user would type them, and prints, as JSON, what
    each command line showed.
.DESCRIPTION
    A process per page gives each page what a user who opens PowerShell has: an empty session registry, session Ids
    from 1, and HOME (so ~/.ssh/config, known_hosts and the migration journal) in a folder the test prepared.
    Each command is dot-sourced in this scope, so the variables of one command line are there for the next. Errors
    and warnings are merged into the output and rendered with it, as the console shows them in the same place (a
    warning as 'WARNING: MESSAGE', an error as 'COMMAND: MESSAGE', the console's concise view); the text is what
    Out-String -Width 120 gives.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $ExamplesPath,
    [Parameter(Mandatory)][string] $WorkingDirectory,
    [Parameter(Mandatory)][string] $ResultPath
)
Import-Module $ModulePath
Set-Location $WorkingDirectory
$script:HelpExamples = Get-Content -Raw $ExamplesPath | ConvertFrom-Json
$script:HelpResults = foreach ($script:HelpExample in $HelpExamples) {
    foreach ($script:HelpCommand in $HelpExample.Commands) {
        $script:HelpErrors = [System.Collections.Generic.List[string]]::new()
        $script:HelpText = try {
            . ([scriptblock]::Create($HelpCommand.Command)) 2>&1 3>&1 | ForEach-Object {
                # The console's own lines for the two records (a warning, and an error in its concise view).
                if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING: $($_.Message)" }
                elseif ($_ -is [System.Management.Automation.ErrorRecord]) {
                    $HelpErrors.Add($_.Exception.Message)
                    "$($_.InvocationInfo.MyCommand.Name): $($_.Exception.Message)"
                } else { $_ }
            } | Out-String -Width 120
        } catch {
            $HelpErrors.Add($_.Exception.Message)
            "$($_.InvocationInfo.MyCommand.Name): $($_.Exception.Message)" | Out-String -Width 120
        }
        [pscustomobject]@{ Example = $HelpExample.Title; Command = $HelpCommand.Command; Output = $HelpText; Errors = @($HelpErrors) }
    }
}
ConvertTo-Json -InputObject @($HelpResults) -Depth 4 | Set-Content -LiteralPath $ResultPath
