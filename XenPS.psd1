@{
    # build.ps1 writes ModuleVersion from Directory.Build.props (the one version source) into the built copy.
    RootModule           = 'XenPS.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5b0f1d2e-7c43-4c8e-9a61-2f5d8e3b9c10'
    Author               = 'XenPS'
    CompanyName          = 'XenPS'
    Copyright            = '(c) XenPS contributors. MIT License.'
    Description          = 'Moves Xen guests (domUs) between dom0 hosts safely and scriptably, over SSH: checks every prerequisite of a live migration on the real hosts, configures the xend relocation server, migrates with xm or xl with progress and verification, evacuates a dom0 and moves halted guests, and returns the guests, hosts, readiness reports and results as pipeline objects.'
    # Claimed only where the tests run: PowerShell 7.6 (Core). The DLLs are built against the PowerShell Standard
    # 5.1 API, but no test runs on Windows PowerShell or an older PowerShell 7, so the manifest does not claim them.
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('XenPS.Format.ps1xml')
    TypesToProcess       = @('XenPS.Types.ps1xml')
    CmdletsToExport      = @(
        'New-XenSession'
        'Get-XenSession'
        'Remove-XenSession'
        'Get-XenHost'
        'Get-XenDomain'
        'Get-XendRelocation'
        'Set-XendRelocation'
        'Test-XenMigrationReadiness'
        'Move-XenDomain'
        'Get-XenMigrationHistory'
        'Start-XenLab'
        'Stop-XenLab'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Xen', 'xm', 'xl', 'xend', 'dom0', 'domU', 'migration', 'live-migration', 'evacuation', 'SSH', 'Linux', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Sessions over SSH with known_hosts verification, ssh_config, jump hosts and sudo; Get-XenHost and Get-XenDomain for xm and xl; Test-XenMigrationReadiness with one result per prerequisite and its remedy, per-check waivers and batch placement; Get-XendRelocation and Set-XendRelocation; Move-XenDomain with progress, verification, evacuation to several destinations and cold moves of halted guests; Get-XenMigrationHistory.'
        }
    }
}
