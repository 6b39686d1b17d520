BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-GuestsOn($Lab, [string] $HostName) {
        <# The ev* guests that the host lists under their own names, from inside the lab. #>
        Invoke-LabHost $Lab $HostName @('xm', 'list') | ForEach-Object { ($_ -split '\s+')[0] } | Where-Object { $_ -like 'ev*' } | Sort-Object
    }

    $script:Guests = 'ev1', 'ev2', 'ev3', 'ev4', 'ev5', 'ev6'
}

Describe 'A batch to one destination is checked together' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pbatch1 -LabProfile migrate-evacuate-two
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'reports the guests that fit together as ready, each with its share and what it leaves' {
        $reports = Test-XenMigrationReadiness -ComputerName dom0-a -Name $Guests -Destination dom0-b

        $reports.Count | Should -Be 6
        ($reports | Where-Object IsReady).Domain | Should -Be @('ev1', 'ev2', 'ev3')
        $reports[0..2].Memory.RemainingMB | Should -Be @(44, 28, 12)
        $reports[3].Memory.CountedBefore | Should -Be @('ev1 (16 MiB)', 'ev2 (16 MiB)', 'ev3 (16 MiB)')
        $memory = $reports[3].Checks | Where-Object Id -EQ Memory
        $memory.Status | Should -Be 'Fail'
        $memory.Detail | Should -BeLike '*ev1 (16 MiB), ev2 (16 MiB), ev3 (16 MiB) of the same batch go to dom0-b before ev4, and leave 12 MiB: 4 MiB are missing for ev4.'
    }

    It 'refuses the guests that do not fit before anything moves, and moves the others' {
        $results = Get-XenDomain -ComputerName dom0-a -Name 'ev*' |
            Move-XenDomain -Destination dom0-b -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue

        ($results | Sort-Object Domain).Domain | Should -Be @('ev1', 'ev2', 'ev3')
        $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        $refused.Count | Should -Be 3
        $refused | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*' }
        $refused.TargetObject | Should -Be @('ev4', 'ev5', 'ev6')
        $refused[0].Exception.Message | Should -BeLike '*[[]Memory] *of the same batch go to dom0-b before ev4*Nothing was changed.*'
        Get-GuestsOn $Lab dom0-b | Should -Be @('ev1', 'ev2', 'ev3')
        Get-GuestsOn $Lab dom0-a | Should -Be @('ev4', 'ev5', 'ev6')
    }
}

Describe 'Move-XenDomain emptying a dom0 over two destinations' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pbatch2 -LabProfile migrate-evacuate-two
        New-XenSession -ComputerName dom0-a, dom0-b, dom0-c -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'places every guest by free memory in the readiness check' {
        $reports = Test-XenMigrationReadiness -ComputerName dom0-a -Name $Guests -Destination dom0-b, dom0-c

        $reports.Count | Should -Be 6
        $reports | ForEach-Object { $_.IsReady | Should -BeTrue }
        ($reports | Group-Object Destination | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) | Should -Be @('dom0-b=3', 'dom0-c=3')
    }

    It 'shows the whole plan with -WhatIf and changes nothing' {
        $script = New-TestFile -Name 'whatif.ps1' -Line @(
            'param($ModulePath, $SshConfigPath)'
            'Import-Module $ModulePath'
            'New-XenSession -ComputerName dom0-a, dom0-b, dom0-c -SshConfigPath $SshConfigPath | Out-Null'
            'Get-XenDomain -ComputerName dom0-a -Name ''ev*'' | Move-XenDomain -Destination dom0-b, dom0-c -WhatIf'
        )

        $output = Invoke-ChildPwsh -File $script -ArgumentList @('-ModulePath', $env:XENPS_MODULE, '-SshConfigPath', $Lab.ssh_config)

        $text = $output -join "`n"
        $text | Should -BeLike '*What if: Migrate 6 domain(s) over dom0-b, dom0-c; not run under -WhatIf, as they write on a host: SharedStorage:*'
        foreach ($guest in $Guests) { $text | Should -Match "  $guest`: dom0-a -> dom0-[bc] \(live, via .*, 16 MiB, \d+ MiB left there after it\)" }
        @($output | Where-Object { "$_" -like 'What if:*' }).Count | Should -Be 1
        Get-GuestsOn $Lab dom0-a | Should -Be $Guests
    }

    It 'moves every guest where the plan put it, and verifies each' {
        $results = Get-XenDomain -ComputerName dom0-a -Name 'ev*' | Move-XenDomain -Destination dom0-b, dom0-c -ThrottleLimit 3 -Confirm:$false

        $results.Count | Should -Be 6
        $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        @(Get-GuestsOn $Lab dom0-a).Count | Should -Be 0
        $onB = @(Get-GuestsOn $Lab dom0-b)
        $onC = @(Get-GuestsOn $Lab dom0-c)
        $onB.Count | Should -Be 3
        $onC.Count | Should -Be 3
        foreach ($result in $results) {
            $result.Destination | Should -BeIn @('dom0-b', 'dom0-c')
            $(if ($result.Destination -eq 'dom0-b') { $onB } else { $onC }) | Should -Contain $result.Domain
        }
    }

    It 'will not skip the readiness check that places the guests' {
        { Move-XenDomain -Name ev1 -ComputerName dom0-a -Destination dom0-b, dom0-c -SkipReadinessCheck -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReadinessCheckNeeded,*'
    }
}
