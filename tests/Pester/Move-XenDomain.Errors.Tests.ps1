BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-GuestsOn($Lab, [string] $HostName) {
        <# The guests the host's xl lists, read inside the lab. #>
        @(Invoke-LabHost $Lab $HostName @('xl', 'list') | Select-Object -Skip 1 | ForEach-Object { ($_ -split '\s+')[0] } | Where-Object { $_ -ne 'Domain-0' })
    }

    function Get-Files($Lab) {
        <#
        Every file, with its modification time to the nanosecond, in the shared image folder (where the storage check writes its
        markers, the folder's time included: a marker written and removed again still changes it) and under /var/run/xenps (the
        migration locks) of both hosts.
        #>
        foreach ($name in 'xl-a', 'xl-b') {
            Invoke-LabHost $Lab $name @('sh', '-c', 'find /srv/shared /var/run/xenps -exec stat -c ''%n %y'' {} + 2>/dev/null | sort') | ForEach-Object { "$name`:$_" }
        }
    }

    function Assert-Refusal($ErrorRecord, [string] $Id, [string] $Category, [string] $Target, [string] $Message) {
        $ErrorRecord.FullyQualifiedErrorId | Should -Be "$Id,XenPS.Commands.MoveXenDomainCommand"
        $ErrorRecord.CategoryInfo.Category | Should -Be $Category
        $ErrorRecord.TargetObject | Should -Be $Target
        $ErrorRecord.Exception.Message | Should -BeLike $Message
    }
}

Describe 'Move-XenDomain refuses what it cannot move, each with its own error, before the readiness checks' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmoverrs -LabProfile migrate-xl
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'writes DomainNotFound for a missing name, naming the host searched and how to list it, and goes on with -ErrorAction SilentlyContinue' {
        $result = Move-XenDomain -Name ghost -ComputerName xl-a -Destination xl-b -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $wentOn = $true

        $wentOn | Should -BeTrue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        Assert-Refusal $failures[0] DomainNotFound ObjectNotFound ghost "No domain named 'ghost' on xl-a, so it was not moved: run 'Get-XenDomain -ComputerName xl-a' to list its domains, and give a name it shows."
        $failures[0].Exception.Message | Should -Not -BeLike '*Not checked*'
    }

    It 'writes DomainNotFound for a pattern that matches no guest, with the pattern as target' {
        $result = Move-XenDomain -Name 'zz*' -ComputerName xl-a -Destination xl-b -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        Assert-Refusal $failures[0] DomainNotFound ObjectNotFound 'zz*' "No guest domain on xl-a matches 'zz*' (Domain-0 is never matched)*Get-XenDomain -ComputerName xl-a*"
    }

    It 'refuses Domain-0 with Dom0NotMigratable' {
        $result = Move-XenDomain -Name Domain-0 -ComputerName xl-a -Destination xl-b -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        Assert-Refusal $failures[0] Dom0NotMigratable InvalidArgument Domain-0 'Domain-0 is the control domain of xl-a, the host itself, and cannot be migrated: name a guest domain instead*'
    }

    It 'refuses the source as destination with SourceIsDestination, and never offers Set-XendRelocation' {
        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-a -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        Assert-Refusal $failures[0] SourceIsDestination InvalidArgument tiny 'tiny cannot move: -Destination xl-a is xl-a itself (*), and a domain cannot be migrated to the host it runs on. Give another dom0 as -Destination.'
        $failures[0].Exception.Message | Should -Not -BeLike '*Set-XendRelocation*'
        Get-GuestsOn $Lab xl-a | Should -Contain tiny
    }

    It 'writes a non-terminating error for a -Destination that cannot be opened, with the destination as target, and moves nothing' {
        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination no-such-host.invalid -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $wentOn = $true

        $wentOn | Should -BeTrue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].TargetObject | Should -Be 'no-such-host.invalid'
        $failures[0].Exception.Message | Should -BeLike '*no-such-host.invalid*'
        Get-GuestsOn $Lab xl-a | Should -Contain tiny
    }

    It 'gives the reports of Test-XenMigrationReadiness the same ids, one report per domain, and no relocation advice for one host' {
        $reports = Test-XenMigrationReadiness -Name ghost, Domain-0, tiny -ComputerName xl-a -Destination xl-b

        $reports.Count | Should -Be 3
        $reports[0].ErrorId | Should -Be 'DomainNotFound'
        $reports[1].ErrorId | Should -Be 'Dom0NotMigratable'
        $reports[2].ErrorId | Should -BeNullOrEmpty
        $reports[2].IsReady | Should -BeTrue

        $same = Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-a
        $same.ErrorId | Should -Be 'SourceIsDestination'
        ($same.Checks | Where-Object Id -EQ HostsReachable).Detail | Should -BeLike 'xl-a and xl-a are the same host (both *): a domain cannot be migrated to the host it runs on.'
        ($same.Checks | Where-Object Id -EQ Network).Detail | Should -Be 'Not checked: xl-a and xl-a are the same host (see HostsReachable).'
        $same.Checks | Where-Object Remedy -Like '*Set-XendRelocation*' | Should -BeNullOrEmpty
    }

    It 'writes nothing on either host under -WhatIf, and the what-if text says which check was not run' {
        $before = Get-Files $Lab
        $script = New-TestFile -Name 'whatif.ps1' -Line @(
            'param($ModulePath, $SshConfigPath)'
            'Import-Module $ModulePath'
            'New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $SshConfigPath | Out-Null'
            'Move-XenDomain -Name ''t*'' -ComputerName xl-a -Destination xl-b -WhatIf'
        )

        $output = Invoke-ChildPwsh -File $script -ArgumentList @('-ModulePath', $env:XENPS_MODULE, '-SshConfigPath', $Lab.ssh_config)

        ($output -join "`n") | Should -BeLike '*What if: Performing the operation "Migrate to xl-b (live, via *; not run under -WhatIf, as they write on a host: SharedStorage)" on target "tiny on xl-a".*'
        Get-Files $Lab | Should -Be $before
        $before -like 'xl-a:/srv/shared/tiny.img *' | Should -Not -BeNullOrEmpty
        Get-GuestsOn $Lab xl-a | Should -Contain tiny
        Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b | Out-Null
        Get-Files $Lab | Should -Not -Be $before -Because 'Test-XenMigrationReadiness writes its marker beside tiny.img, as documented, which this listing sees'
    }

    It 'moves the guests a wildcard pattern matches' {
        $results = Move-XenDomain -Name 'ti*' -ComputerName xl-a -Destination xl-b -Confirm:$false -ErrorAction Stop

        $results.Domain | Should -Be 'tiny'
        $results.Status | Should -Be 'Succeeded'
        Get-GuestsOn $Lab xl-b | Should -Contain tiny
        Get-GuestsOn $Lab xl-a | Should -Not -Contain tiny
    }
}
