@{
    # build.ps1 writes ModuleVersion from Directory.Build.props (the one version source) into the built copy.
    RootModule           = 'XenPS.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5b0f1d2e-7c43-4c8e-9a61-2f5d8e3b9c10'
    Author               = 'XenPS'
    CompanyName          = 'XenPS'
    Copyright            = '(c) XenPS contributors. MIT License.'
    Description          = 'Manage Xen dom0 hosts over SSH: sessions, host facts and domains for the xm/xend and xl toolstacks, as pipeline objects.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
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
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Xen', 'xm', 'xl', 'xend', 'dom0', 'migration', 'SSH', 'Linux')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
