<#
.SYNOPSIS
    The XenPS demo on a running lab: the original two-host setup (dom0-a running com-xp1, dom0-b beside it, sharing
    /THECUS_NFS, dom0-b's relocation server still off), seen through XenPS's cmdlets and objects: the domains, the
    readiness report failing on relocation, Set-XendRelocation fixing it, the report passing, and Move-XenDomain
    moving the 1536 MB guest over the lab's 1 Gbit/s link, verified on dom0-b.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $LabDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Show-Step([string] $Text) { Write-Host "`n=== $Text ===" -ForegroundColor Cyan }

$config = Join-Path $LabDirectory 'ssh_config'
Show-Step "New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $config"
New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $config | Format-Table | Out-Host

Show-Step 'Get-XenHost'
Get-XenHost | Format-Table | Out-Host

Show-Step 'Get-XenDomain -ComputerName dom0-a, dom0-b -IncludeDom0'
Get-XenDomain -ComputerName dom0-a, dom0-b -IncludeDom0 | Format-Table | Out-Host

Show-Step 'Get-XenDomain -ComputerName dom0-a -Name com-xp1 | Format-List'
$guest = Get-XenDomain -ComputerName dom0-a -Name com-xp1
$guest | Format-List Name, ComputerName, State, Type, MemoryMB, VCpus, Uuid | Out-Host
$guest.Disks | Format-Table | Out-Host
$guest.Vifs | Format-Table | Out-Host

Show-Step 'Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b'
$report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
$report | Out-Host
$failed = @($report.Checks | Where-Object Status -EQ 'Fail')
$failed | Format-List Id, Detail, Remedy | Out-Host

Show-Step 'Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart -WhatIf'
Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart -WhatIf

Show-Step 'Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart -Confirm:$false -PassThru'
Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart -Confirm:$false -PassThru | Out-Host

Show-Step 'Test-XenMigrationReadiness again'
$after = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
$after | Out-Host

if ($failed.Id -join ',' -ne 'Relocation' -or -not $after.IsReady) {
    throw "The demo expected one failed check (Relocation) before the fix and a ready report after it; it saw '$($failed.Id -join ', ')' and IsReady=$($after.IsReady)."
}

Show-Step 'Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false'
$result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false
$result | Format-List * | Out-Host

Show-Step 'Get-XenDomain -ComputerName dom0-a, dom0-b'
Get-XenDomain -ComputerName dom0-a, dom0-b | Format-Table | Out-Host

Get-XenSession | Remove-XenSession
if ($result.Status -ne 'Succeeded' -or -not $result.VerifiedOnDestination) {
    throw "The migration ended $($result.Status): $($result.Error)"
}
Write-Host ("`ncom-xp1 ({0} MB) moved from dom0-a to dom0-b in {1:N1} s and runs there, verified. The demo ran against the lab's real sshd hosts; the lab is torn down next." -f $result.MemoryMB, $result.Duration.TotalSeconds)
