BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    # Runs the check for one domain in a fresh lab of the given profile; returns the report, the round trips per
    # host from -Verbose, and the marker files left on the hosts.
    function Invoke-Readiness {
        param([string] $LabProfile, [string] $Name, [string] $Domain, [string] $Source, [string] $Destination, [scriptblock] $Before = {})
        $lab = Start-TestLab -Name $Name -LabProfile $LabProfile
        try {
            New-XenSession -ComputerName $Source, $Destination -SshConfigPath $lab.ssh_config | Out-Null
            & $Before $lab
            $verbose = Test-XenMigrationReadiness -Name $Domain -ComputerName $Source -Destination $Destination -Verbose 4>&1
            $report = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $lines = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $markers = foreach ($hostName in $Source, $Destination) {
                Invoke-LabHost $lab $hostName @('sh', '-c', 'ls -a /THECUS_NFS /srv/shared 2>/dev/null | grep "^\.xenps-marker-" || true')
            }
            [pscustomobject]@{ Report = $report; Verbose = $lines; Markers = @($markers | Where-Object { $_ }); Lab = $lab }
        }
        finally {
            Get-XenSession | Remove-XenSession
            Stop-TestLab $lab
        }
    }

    function Get-FailedIds($Report) { @($Report.Checks | Where-Object Status -EQ 'Fail' | ForEach-Object Id) }
}

Describe 'Test-XenMigrationReadiness' {
    Context 'the original setup, before relocation is enabled' {
        BeforeAll {
            $script:Lab = Start-TestLab -Name prdy -LabProfile readiness
            New-XenSession -ComputerName dom0-a, dom0-b, xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
        }
        AfterAll {
            Get-XenSession | Remove-XenSession
            Stop-TestLab $Lab
        }

        It 'fails on relocation alone, with a remedy that turns the report green when run' {
            $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
            $report.Domain | Should -Be 'com-xp1'
            $report.Source | Should -Be 'dom0-a'
            $report.Destination | Should -Be 'dom0-b'
            $report.IsReady | Should -BeFalse
            Get-FailedIds $report | Should -Be @('Relocation')
            $relocation = $report.Checks | Where-Object Id -EQ 'Relocation'
            $relocation.Remedy | Should -BeLike 'Set-XendRelocation *dom0-b*'

            Invoke-Expression "$($relocation.Remedy) -Confirm:`$false -WarningAction SilentlyContinue" | Out-Null

            $again = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
            Get-FailedIds $again | Should -BeNullOrEmpty
            $again.IsReady | Should -BeTrue
        }

        It 'fails on relocation alone on a destination without xend-config.sxp, with a remedy that creates it first' {
            $config = '/etc/xen/xend-config.sxp'
            Invoke-LabHost $Lab dom0-b @('sh', '-c', "cp -p $config /root/xend-config.sxp.saved && rm $config && xend restart") | Out-Null
            try {
                $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
                Get-FailedIds $report | Should -Be @('Relocation')
                $relocation = $report.Checks | Where-Object Id -EQ 'Relocation'
                $relocation.Detail | Should -BeLike "dom0-b has no $config, so its xend runs with the built-in defaults: relocation server off.*"
                $relocation.Remedy | Should -BeLike "Create the file ('touch $config' as root on dom0-b, or restore your distribution's copy), then Set-XendRelocation -ComputerName dom0-b *"

                Invoke-LabHost $Lab dom0-b @('touch', $config) | Out-Null
                Invoke-Expression "$($relocation.Remedy -replace '^.*, then ') -Confirm:`$false -WarningAction SilentlyContinue" | Out-Null

                (Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b).IsReady | Should -BeTrue
            }
            finally {
                Invoke-LabHost $Lab dom0-b @('sh', '-c', "cp -p /root/xend-config.sxp.saved $config && xend restart") | Out-Null
            }
        }

        It 'passes for the xl pair, with relocation skipped and SSH trust checked' {
            $report = Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b
            $report.IsReady | Should -BeTrue
            ($report.Checks | Where-Object Id -EQ 'Relocation').Status | Should -Be 'Skipped'
            ($report.Checks | Where-Object Id -EQ 'SshTrust').Status | Should -Be 'Pass'
        }

        It 'takes domains from Get-XenDomain and sessions as the destination' {
            $destination = Get-XenSession -ComputerName dom0-b
            $reports = Get-XenDomain -ComputerName dom0-a | Test-XenMigrationReadiness -Destination $destination
            $reports.Domain | Should -Be @('com-xp1')
            $reports.Destination | Should -Be 'dom0-b'
        }

        It 'answers $true or $false with -Quiet' {
            Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b -Quiet | Should -BeExactly $true
        }

        It 'reports a domain that does not exist as a failed check' {
            $report = Test-XenMigrationReadiness -Name no-such-guest -ComputerName dom0-a -Destination dom0-b
            Get-FailedIds $report | Should -Contain 'DomainState'
            ($report.Checks | Where-Object Id -EQ 'DomainState').Detail | Should -BeLike '*no-such-guest*'
        }

        It 'fails HostsReachable for a destination it cannot reach, and leaves no marker behind' {
            $unreachable = ($Lab.gateway -replace '\.1$', '.250')
            $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination $unreachable
            ($report.Checks | Where-Object Id -EQ 'HostsReachable').Status | Should -Be 'Fail'
            ($report.Checks | Where-Object Id -EQ 'HostsReachable').Detail | Should -BeLike "*$unreachable*"
            $report.IsReady | Should -BeFalse
            Invoke-LabHost $Lab dom0-a @('sh', '-c', 'ls -a /THECUS_NFS | grep "^\.xenps-marker-" || true') | Should -BeNullOrEmpty
        }

        It 'keeps to three SSH round trips per host and shows them with -Verbose' {
            $lines = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            foreach ($hostName in 'dom0-a', 'dom0-b') {
                $trips = @($lines | Where-Object { $_ -like "${hostName}: SSH round trip *" })
                $trips.Count | Should -BeGreaterThan 0
                $trips.Count | Should -BeLessOrEqual 3
            }
        }
    }

    Context 'waiving a check with -SkipCheck: dom0-b lacks sse4a, which dom0-a gives its guests' {
        BeforeAll {
            $script:Lab = Start-TestLab -Name prwaive -LabProfile readiness/cpu-flags
            New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
        }
        AfterAll {
            Get-XenSession | Remove-XenSession
            Stop-TestLab $Lab
        }

        It 'is not ready without -SkipCheck, and ready with -SkipCheck Cpu, the Cpu check a waived warning that keeps its facts' {
            $plain = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
            Get-FailedIds $plain | Should -Be @('Cpu')
            $plain.WaivedChecks | Should -BeNullOrEmpty
            $failed = $plain.Checks | Where-Object Id -EQ 'Cpu'

            $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu

            $report.IsReady | Should -BeTrue
            $report.WaivedChecks | Should -Be @('Cpu')
            $cpu = $report.Checks | Where-Object Id -EQ 'Cpu'
            $cpu.Status | Should -Be 'Warning'
            $cpu.Waived | Should -BeTrue
            $cpu.Detail | Should -Be "Failed, waived with -SkipCheck Cpu: $($failed.Detail)"
            $cpu.Detail | Should -BeLike '*lacks 1 CPU feature(s) that dom0-a * gives its guests: sse4a.*'
            $cpu.Remedy | Should -Be $failed.Remedy
            @($report.Checks | Where-Object Waived).Count | Should -Be 1
            ($report | Out-String) | Should -BeLike '*com-xp1: dom0-a -> dom0-b: ready (waived: Cpu)*'
            Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck cpu -Quiet | Should -BeExactly $true
        }

        It 'leaves a named check that passes as it is' {
            $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu, Memory
            ($report.Checks | Where-Object Id -EQ 'Memory').Status | Should -Be 'Pass'
            $report.WaivedChecks | Should -Be @('Cpu')
        }

        It 'offers exactly the ids of the checks a report holds, in report order, as the values of -SkipCheck' {
            $ids = (Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b).Checks.Id
            foreach ($command in 'Test-XenMigrationReadiness', 'Move-XenDomain') {
                $set = (Get-Command $command).Parameters['SkipCheck'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
                $set.ValidValues | Should -Be $ids
            }
        }

        It 'refuses to waive <Id>, saying why' -ForEach @(
            @{ Id = 'NameFree'; Why = '*two copies of one guest on shared storage corrupt its disks*' }
            @{ Id = 'HostsReachable'; Why = '*without both hosts*' }
            @{ Id = 'DomainState'; Why = '*being migrated already*' }
            @{ Id = 'SharedStorage'; Why = '*a different disk*' }
        ) {
            { Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu, $Id } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,XenPS.Commands.TestXenMigrationReadinessCommand' -ExpectedMessage "*The $Id check cannot be waived with -SkipCheck: $Why"
        }
    }

    Context 'each failure makes its own check fail: <Profile>' -ForEach @(
        @{ Profile = 'unshared-storage'; Expected = 'SharedStorage'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'short-memory'; Expected = 'Memory'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'cpu-flags'; Expected = 'Cpu'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'missing-bridge'; Expected = 'Bridges'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'pci-device'; Expected = 'PciPassthrough'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'same-name'; Expected = 'NameFree'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'relocation-localhost'; Expected = 'Relocation'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'relocation-rejects'; Expected = 'Relocation'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'xend-stopped'; Expected = 'XendRunning'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'xen-minor'; Expected = 'XenVersion'; Domain = 'com-xp1'; Source = 'dom0-a'; Destination = 'dom0-b' }
        @{ Profile = 'xl-no-trust'; Expected = 'SshTrust'; Domain = 'tiny'; Source = 'xl-a'; Destination = 'xl-b' }
    ) {
        BeforeAll {
            $script:Result = Invoke-Readiness -LabProfile "readiness/$Profile" -Name ('pr' + ($Profile -replace '[^a-z]').Substring(0, 6)) -Domain $Domain -Source $Source -Destination $Destination
        }

        It 'fails exactly that check, with a remedy' {
            $failed = Get-FailedIds $Result.Report
            $failed | Should -Contain $Expected
            ($Result.Report.Checks | Where-Object Id -EQ $Expected).Remedy | Should -Not -BeNullOrEmpty
            if ($Profile -eq 'xend-stopped') {
                # xm answers nothing without xend: what needs it cannot be measured, and says so.
                $Result.Report.Checks | Where-Object { $_.Status -eq 'Fail' -and $_.Id -ne $Expected } |
                    ForEach-Object { $_.Detail | Should -Match '^(Not checked: .*Is xend running\?|xend does not run on dom0-b)' }
            }
            else {
                $failed | Should -Be @($Expected)
            }
        }

        It 'leaves no marker file on either host' {
            $Result.Markers | Should -BeNullOrEmpty
        }
    }
}
