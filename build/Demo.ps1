<#
.SYNOPSIS
    The XenPS demo on a running lab: the original two-host setup (dom0-a running com-xp1, dom0-b beside it),
    seen through XenPS's cmdlets and objects.
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

Get-XenSession | Remove-XenSession
Write-Host "`nThe demo ran against the lab's real sshd hosts; the lab is torn down next."
