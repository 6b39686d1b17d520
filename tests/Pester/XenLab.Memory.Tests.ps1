# The memory rule that Test-XenMigrationReadiness and the lab's receivers share: xend's balloon.free, as
# XendCheckpoint.restore calls it (profile migrate-memory: dom0-b has 30 MB free and Domain-0 at 230 MB over
# dom0-min-mem 196, so 64 MB are available; fit needs exactly 64 MB, over 65 MB), and xl's freemem with libxl's
# need (profile migrate-xl-memory: xl-c has 36 MB free; tiny needs exactly 36 MiB, wide 38 MiB).

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-DomainMemory($Lab, [string] $HostName) {
        <# Name -> memory (MB) from the host's `xm list`. #>
        $memory = @{}
        Invoke-LabHost $Lab $HostName @('xm', 'list') | Select-Object -Skip 1 | ForEach-Object {
            $fields = $_ -split '\s+'
            $memory[$fields[0]] = [int] $fields[2]
        }
        $memory
    }
}

Describe 'The memory boundary with xm' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmemxm -LabProfile migrate-memory
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'fails the check for a guest one MB over what dom0-b has with ballooning' {
        $memory = (Test-XenMigrationReadiness -Name over -ComputerName dom0-a -Destination dom0-b).Checks | Where-Object Id -EQ 'Memory'
        $memory.Status | Should -Be 'Fail'
        $memory.Detail | Should -BeLike '*needs 65 MiB on dom0-b*30 MiB free + 34 MiB that xend can balloon out of dom0*= 64 MiB. 1 MiB are missing.'
    }

    It "is refused by dom0-b's xend with xend's error, dom0-b unchanged and the guest still running on dom0-a" {
        $result = Move-XenDomain -Name over -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $failures[0].Exception.Message | Should -BeLike '*I need 66560 KiB, but dom0_min_mem is 200704 and shrinking to 200704 KiB would leave only 65536 KiB free.*'
        $onA, $onB = (Get-DomainMemory $Lab dom0-a), (Get-DomainMemory $Lab dom0-b)
        $onA.Keys | Should -Contain 'over'
        (Invoke-LabHost $Lab dom0-a @('xm', 'list', 'over')) -join "`n" | Should -Match '(?m)^over\s+\d+\s+65\s+1\s+-b----'
        $onB.Keys | Should -Not -Contain 'over'
        $onB['Domain-0'] | Should -Be 230
    }

    It 'passes the check for a guest that needs exactly what dom0-b has with ballooning' {
        $report = Test-XenMigrationReadiness -Name fit -ComputerName dom0-a -Destination dom0-b
        $memory = $report.Checks | Where-Object Id -EQ 'Memory'
        $memory.Status | Should -Be 'Pass'
        $memory.Detail | Should -BeLike '*needs 64 MiB on dom0-b*= 64 MiB.'
        $report.IsReady | Should -BeTrue
    }

    It "is received by dom0-b's xend, which balloons Domain-0 down to dom0-min-mem" {
        $result = Move-XenDomain -Name fit -ComputerName dom0-a -Destination dom0-b -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $onA, $onB = (Get-DomainMemory $Lab dom0-a), (Get-DomainMemory $Lab dom0-b)
        $onA.Keys | Should -Not -Contain 'fit'
        $onB['fit'] | Should -Be 64
        $onB['Domain-0'] | Should -Be 196
        (Invoke-LabHost $Lab dom0-b @('xm', 'info')) -match '^free_memory\s+:\s+0$' | Should -Not -BeNullOrEmpty
    }
}

Describe 'The memory boundary with xl' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmemxl -LabProfile migrate-xl-memory
        New-XenSession -ComputerName xl-a, xl-c -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It "fails the check for a guest whose libxl need is 2 MiB over what xl-c has" {
        $memory = (Test-XenMigrationReadiness -Name wide -ComputerName xl-a -Destination xl-c).Checks | Where-Object Id -EQ 'Memory'
        $memory.Status | Should -Be 'Fail'
        $memory.Detail | Should -BeLike '*needs 38 MiB on xl-c: 34 MiB of memory + 4 MiB that libxl adds*xl-c has 36 MiB free. 2 MiB are missing.'
    }

    It "is refused by xl-c's receiver with xl's error, the guest still running on xl-a" {
        $result = Move-XenDomain -Name wide -ComputerName xl-a -Destination xl-c -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $failures[0].Exception.Message | Should -BeLike '*failed to free memory for the domain*'
        (Invoke-LabHost $Lab xl-a @('xl', 'list', 'wide')) -join "`n" | Should -Match '(?m)^wide\s+\d+\s+34\s'
        (Invoke-LabHost $Lab xl-c @('xl', 'list')) -join "`n" | Should -Not -Match '(?m)^wide'
    }

    It 'passes the check for a guest whose libxl need is exactly what xl-c has, and xl-c receives it' {
        $report = Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-c
        $memory = $report.Checks | Where-Object Id -EQ 'Memory'
        $memory.Status | Should -Be 'Pass'
        $memory.Detail | Should -BeLike '*needs 36 MiB on xl-c*xl-c has 36 MiB free.'
        $report.IsReady | Should -BeTrue
        (Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-c -Confirm:$false).Status | Should -Be 'Succeeded'
        (Invoke-LabHost $Lab xl-c @('xl', 'list')) -join "`n" | Should -Match '(?m)^tiny\s'
    }
}
