<#
.SYNOPSIS
    Runs the Pester tests in a PowerShell of their own (so the built XenPS.dll is never locked by the build)
    and writes the counts as JSON for build.ps1's closing line.
#>
param(
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $TestPath,
    [Parameter(Mandatory)][string] $ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [System.IO.Path]::ChangeExtension($ResultPath, '.xml')
$run = Invoke-Pester -Configuration $configuration

# A failure in BeforeAll/AfterAll or in discovery fails the block or the file, not a test: count those too.
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
[pscustomobject]@{
    Passed  = $run.PassedCount
    Failed  = $failed
    Skipped = $run.SkippedCount + $run.NotRunCount
} | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
