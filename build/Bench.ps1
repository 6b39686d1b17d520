<#
.SYNOPSIS
    The migration benchmark on a running lab (profile bench: nine 512 MB guests on dom0-a, link shaped to 1 Gbit/s):
    Move-XenDomain's wall time, with and without its readiness preflight, against the plain way,
    'ssh dom0-a xm migrate --live GUEST dom0-b', measured in turns in the same run. Prints each run with
    Move-XenDomain's phases (before the migrate command starts, the migration to its verdict, what follows), and
    writes the two rows of the Bench table to ResultPath.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $LabDirectory,
    [Parameter(Mandatory)][string] $ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchCommon.psm1')
$config = Join-Path $LabDirectory 'ssh_config'
$destination = (Get-Content -Raw (Join-Path $LabDirectory 'lab.json') | ConvertFrom-Json).hosts | Where-Object name -EQ 'dom0-b'
New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $config | Out-Null

function Measure-Migration([string] $Way, [string] $Guest) {
    $result = $null
    $started = [DateTime]::Now
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
    $before = if ($Way -ne 'plain') { ($script:result.StartTime - $started).TotalSeconds }
    $migration = if ($Way -ne 'plain') { $script:result.Duration.TotalSeconds }
    [pscustomobject]@{
        Run = $Way; Guest = $Guest; Seconds = [math]::Round($time.TotalSeconds, 2)
        BeforeMigrate = if ($null -ne $before) { [math]::Round($before, 2) }
        Migration = if ($null -ne $migration) { [math]::Round($migration, 2) }
        After = if ($null -ne $before) { [math]::Round($time.TotalSeconds - $before - $migration, 2) }
    }
}

# The three ways take turns, so that a slower moment of the machine hits each of them alike.
$runs = @(
    Measure-Migration plain bench1; Measure-Migration move bench2; Measure-Migration move-skip bench3
    Measure-Migration move bench4; Measure-Migration move-skip bench5; Measure-Migration plain bench6
    Measure-Migration move-skip bench7; Measure-Migration plain bench8; Measure-Migration move bench9
)
$runs | Format-Table | Out-Host
Get-XenSession | Remove-XenSession

$plain = Get-BenchStats ($runs | Where-Object Run -EQ plain).Seconds
$rows = foreach ($way in @(
        @{ Run = 'move'; What = 'Move-XenDomain, 512 MB guest at 1 Gbit/s, with its preflight (median of 3)'; Share = 0.10; Fixed = 1.0 }
        @{ Run = 'move-skip'; What = 'Move-XenDomain -SkipReadinessCheck, the same guest and link (median of 3)'; Share = 0.05; Fixed = 0.3 })) {
    $mine = @($runs | Where-Object Run -EQ $way.Run)
    $phases = foreach ($phase in 'BeforeMigrate', 'Migration', 'After') { '{0} median {1:N2} s' -f $phase, (Get-BenchStats $mine.$phase).median }
    New-BenchRow -What $way.What -XenPS (Get-BenchStats $mine.Seconds) -Plain $plain -PlainWay 'ssh dom0-a xm migrate --live' -Unit 's' `
        -Target ('<= plain + {0:P0} + {1} s' -f $way.Share, $way.Fixed) -Limit ($plain.median * (1 + $way.Share) + $way.Fixed) `
        -Notes @("phases of Move-XenDomain: $($phases -join ', ') (BeforeMigrate: from the call to the migrate command's start; Migration: to the verdict, the result's Duration)")
}
Save-BenchRows -Path $ResultPath -Rows $rows
