BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Manifest = Import-PowerShellDataFile $env:XENPS_MODULE
    $script:ModuleDirectory = Split-Path $env:XENPS_MODULE
}

Describe 'the built module' {
    It 'carries the version of Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props'))
        $Manifest.ModuleVersion | Should -Be $props.Project.PropertyGroup.Version
        Split-Path $ModuleDirectory -Leaf | Should -Be $props.Project.PropertyGroup.Version
    }

    It 'exports exactly the cmdlets its manifest names' {
        $module = Import-Module $env:XENPS_MODULE -Force -PassThru
        ($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
    }

    It 'claims only the PowerShell that runs these tests' {
        $Manifest.CompatiblePSEditions | Should -Be @($PSVersionTable.PSEdition)
        [version] $Manifest.PowerShellVersion | Should -BeLessOrEqual ([version] "$($PSVersionTable.PSVersion.Major).$($PSVersionTable.PSVersion.Minor)")
    }

    It 'says what it is for, with tags and release notes, and no project or help address, as it has none' {
        $Manifest.Description | Should -Match 'migrat'
        $Manifest.PrivateData.PSData.Tags | Should -Contain 'migration'
        $Manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $Manifest.Keys | Should -Not -Contain 'HelpInfoURI'
        $Manifest.PrivateData.PSData.Keys | Should -Not -Contain 'ProjectUri'
    }

    It 'keeps SSH.NET and XenPS.Core out of the module root, in dependencies/' {
        Test-Path (Join-Path $ModuleDirectory 'Renci.SshNet.dll') | Should -BeFalse
        Test-Path (Join-Path $ModuleDirectory 'XenPS.Core.dll') | Should -BeFalse
        Test-Path (Join-Path $ModuleDirectory 'dependencies/Renci.SshNet.dll') | Should -BeTrue
        Test-Path (Join-Path $ModuleDirectory 'dependencies/XenPS.Core.dll') | Should -BeTrue
    }

    It 'closes its sessions when it is removed' {
        Import-Module $env:XENPS_MODULE -Force
        $lab = Start-TestLab -Name pmodrm
        try {
            $session = New-XenSession -ComputerName xl-host -SshConfigPath $lab.ssh_config
            Remove-Module XenPS
            $session.State | Should -Be 'Closed'
        }
        finally {
            Stop-TestLab $lab
        }
    }
}

Describe 'beside another SSH.NET' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmod
    }

    AfterAll {
        Stop-TestLab $Lab
    }

    It 'imports and works in a PowerShell that already loaded another Renci.SshNet' {
        $work = Split-Path (New-TestFile)
        $json = Invoke-ChildPwsh -File (Join-Path $PSScriptRoot 'ConflictingSshNet.ps1') -ArgumentList @(
            '-ModulePath', $env:XENPS_MODULE, '-SshConfigPath', $Lab.ssh_config, '-WorkDirectory', $work)
        $result = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $result.Toolstack | Should -Be 'Xm'
        ($result.Domains | Sort-Object) | Should -Be @('db01', 'web01', 'web02')
        $impostor = $result.Loaded | Where-Object Version -EQ '1.0.0.0'
        $real = $result.Loaded | Where-Object Version -NE '1.0.0.0'
        $impostor.Default | Should -BeTrue
        $real.Default | Should -BeFalse
        $real.Version | Should -BeLike '2026.*'
    }
}
