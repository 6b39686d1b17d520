# Start-XenLab and Stop-XenLab run the lab that the built module carries in its lab folder, as an installed XenPS does.

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:ModuleLab = Join-Path (Split-Path $env:XENPS_MODULE) 'lab'
}

Describe 'Start-XenLab and Stop-XenLab' {
    It 'carries the lab, its profiles and the captures they use in the module' {
        Join-Path $ModuleLab 'xenlab.py' | Should -Exist
        Join-Path $ModuleLab 'profiles/default.json' | Should -Exist
        Join-Path $ModuleLab 'reference/xend-config.xen-4.0.0.sxp' | Should -Exist
    }

    It 'starts a lab that XenPS reaches through its ssh_config, without its users'' passwords, and stops it without a trace' {
        $lab = Start-XenLab -LabProfile foundation -Name pstart -Confirm:$false
        try {
            $lab.Name | Should -Be 'pstart'
            $lab.Profile | Should -Be 'foundation'
            $lab.SshConfigPath | Should -Exist
            $lab.Hosts | Should -Not -BeNullOrEmpty
            $lab.Hosts[0].Toolstacks | Should -Not -BeNullOrEmpty
            $lab.PSObject.Properties.Name | Should -Not -Contain 'Users'
            New-XenSession -ComputerName $lab.Hosts.Name -SshConfigPath $lab.SshConfigPath | Out-Null
            (Get-XenDomain | Where-Object { -not $_.IsDom0 }) | Should -Not -BeNullOrEmpty
        }
        finally {
            Get-XenSession | Remove-XenSession
            $lab | Stop-XenLab -Confirm:$false
        }
        $lab.Directory | Should -Not -Exist
        ip -o link show | Select-String 'pstart' | Should -BeNullOrEmpty
    }

    It 'runs the pool acceptance test of its help page as a Pester file, every test passing' {
        $page = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/en-US/Start-XenLab.md')
        $example = [regex]::Match($page, '(?ms)^### Example 2: [^\n]*\n```powershell\n(.*?)\n```').Groups[1].Value
        $example | Should -BeLike "Describe *"
        $poolTest = Join-Path $TestDrive 'Pool.Tests.ps1'
        Set-Content -LiteralPath $poolTest -Value $example
        $runner = Join-Path $TestDrive 'run-pool.ps1'
        Set-Content -LiteralPath $runner -Value @"
Import-Module '$((Get-Module Pester).Path)'
Import-Module '$env:XENPS_MODULE'
`$run = Invoke-Pester -Path '$poolTest' -PassThru -Output None
'{0} {1} {2}' -f `$run.PassedCount, (`$run.FailedCount + `$run.FailedBlocksCount + `$run.FailedContainersCount), `$run.TotalCount
"@
        $counts = @(Invoke-ChildPwsh -File $runner)[-1]
        $its = [regex]::Matches($example, "(?m)^\s+It '").Count
        $its | Should -BeGreaterThan 0
        $counts | Should -Be "$its 0 $its"
        ip -o link show | Select-String 'runbook' | Should -BeNullOrEmpty
    }

    It 'starts nothing with -WhatIf' {
        $directory = Join-Path ([IO.Path]::GetTempPath()) 'xenps-lab-pwhatif'
        Start-XenLab -Name pwhatif -WhatIf | Should -BeNullOrEmpty
        $directory | Should -Not -Exist
    }

    It 'names the profiles there are when the one given is unknown' {
        Start-XenLab -LabProfile nosuch -Name pnosuch -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'LabFailed,*'
        $failures[0].Exception.Message | Should -BeLike "No lab profile 'nosuch': give one of *default*migrate-xl*"
    }

    It 'refuses a folder that holds no lab' {
        Stop-XenLab -Directory $TestDrive -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'LabFailed,*'
        $TestDrive | Should -Exist
    }

    It 'completes -LabProfile with the module''s profiles' {
        $line = 'Start-XenLab -LabProfile migrate-x'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'migrate-xl'
        $completions | Should -Not -Contain 'default'
    }
}
