# Readiness and migration where the client, the source dom0 and the destination see the hosts differently: the
# machine reaches each dom0 only through a TCP forwarder on 127.0.0.1 under an alias the dom0s cannot resolve
# (fwd-NAME), and the dom0s reach each other over a migration network of their own (tests/XenLab/profiles/topology).

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-LabHostEntry($Lab, [string] $Name) { $Lab.hosts | Where-Object name -EQ $Name }

    function Get-Check($Report, [string] $Id) { $Report.Checks | Where-Object Id -EQ $Id }

    function Get-JobFolders($Lab, [string] $HostName) {
        @(Invoke-LabHost $Lab $HostName @('sh', '-c', 'ls /var/run/xenps 2>/dev/null || true') | Where-Object { $_ })
    }
}

Describe 'Migration target on a forwarded xm pair with a migration network' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name tgtxm -LabProfile topology/forwarded-xm
        $script:B = Get-LabHostEntry $Lab dom0-b
        New-XenSession -ComputerName fwd-dom0-a, fwd-dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'reaches the hosts only through the forwarders' {
        (Get-XenSession -ComputerName fwd-dom0-a).HostName | Should -Be '127.0.0.1'
        (Get-XenSession -ComputerName fwd-dom0-b).Port | Should -Be $B.client_port
    }

    It "passes readiness with the destination's own name on the migration network as the target" {
        $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName fwd-dom0-a -Destination fwd-dom0-b

        @($report.Checks | Where-Object Status -EQ 'Fail' | ForEach-Object { "$($_.Id): $($_.Detail)" }) | Should -BeNullOrEmpty
        $report.IsReady | Should -BeTrue
        $report.MigrationTarget.Host | Should -Be 'dom0-b'
        $report.MigrationTarget.Address | Should -Be $B.migration_address
        $report.MigrationTarget.Port | Should -Be 8002
        $report.MigrationTarget.Origin | Should -Be 'DestinationHostName'
        (Get-Check $report Network).Detail | Should -BeLike "Migration target dom0-b:8002 (fwd-dom0-b's own host name; before it fwd-dom0-b does not resolve on fwd-dom0-a): *"
        (Get-Check $report Relocation).Detail | Should -BeLike '*admits fwd-dom0-a*'
    }

    It 'fails readiness on a target the source cannot resolve, naming it and the parameter' {
        $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName fwd-dom0-a -Destination fwd-dom0-b -MigrationTarget no-such-host.invalid

        $network = Get-Check $report Network
        $network.Status | Should -Be 'Fail'
        $network.Detail | Should -BeLike 'The migration target no-such-host.invalid does not work from fwd-dom0-a: no-such-host.invalid does not resolve on fwd-dom0-a. Give -MigrationTarget *'
        $report.MigrationTarget | Should -BeNullOrEmpty
    }

    It 'refuses a target that is not a host name before anything runs' {
        { Test-XenMigrationReadiness -Name com-xp1 -ComputerName fwd-dom0-a -Destination fwd-dom0-b -MigrationTarget '$(touch /tmp/x)' } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,XenPS.Commands.TestXenMigrationReadinessCommand'
    }

    It 'starts nothing when -SkipReadinessCheck meets a target that does not resolve on the source' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName fwd-dom0-a -Destination fwd-dom0-b -MigrationTarget no-such-host.invalid -SkipReadinessCheck -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -Be 'MigrationTargetNotFound,XenPS.Commands.MoveXenDomainCommand'
        $failed.Exception.Message | Should -BeLike '*no-such-host.invalid does not resolve on fwd-dom0-a*-MigrationTarget*'
        (Get-XenDomain -ComputerName fwd-dom0-a -Name com-xp1).State | Should -Be 'Blocked'
        Get-JobFolders $Lab dom0-a | Should -BeNullOrEmpty
    }

    It 'migrates over the migration network to the target readiness chose, verified on the destination' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName fwd-dom0-a -Destination fwd-dom0-b -Confirm:$false -Verbose 4>&1 -ErrorAction Stop
        $verbose = @($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $result = $result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.MigrationTarget.ToString() | Should -Be 'dom0-b:8002'
        $uuid = (Get-XenDomain -ComputerName fwd-dom0-b -Name com-xp1).Uuid
        $verbose | Should -Contain "com-xp1: fwd-dom0-a: xm migrate --live -p 8002 -- $uuid dom0-b"
        (Get-XenDomain -ComputerName fwd-dom0-b -Name com-xp1).State | Should -BeIn 'Running', 'Blocked'
    }

    It "migrates back to an explicit address on the migration network once dom0-a's relocation server admits dom0-b" {
        $A = Get-LabHostEntry $Lab dom0-a
        Set-XendRelocation -ComputerName fwd-dom0-a -Enabled -HostsAllow '^dom0-b$' -Restart -Confirm:$false -WarningAction SilentlyContinue | Out-Null

        # The way back skips the readiness check, so the target is chosen just before the migration, the port read from
        # dom0-a's xend-config.sxp.
        $result = Move-XenDomain -Name com-xp1 -ComputerName fwd-dom0-b -Destination fwd-dom0-a -MigrationTarget $A.migration_address -SkipReadinessCheck -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.MigrationTarget.ToString() | Should -Be "$($A.migration_address):8002"
        $result.MigrationTarget.Origin | Should -Be 'Explicit'
    }
}

Describe 'Migration target on a forwarded xl pair with a migration network' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name tgtxl -LabProfile topology/forwarded-xl
        $script:A = Get-LabHostEntry $Lab xl-a
        New-XenSession -ComputerName fwd-xl-a, fwd-xl-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It "passes readiness, SshTrust tested on the source's own ssh towards the chosen target" {
        $report = Test-XenMigrationReadiness -Name tiny -ComputerName fwd-xl-a -Destination fwd-xl-b

        @($report.Checks | Where-Object Status -EQ 'Fail' | ForEach-Object { "$($_.Id): $($_.Detail)" }) | Should -BeNullOrEmpty
        $report.MigrationTarget.ToString() | Should -Be 'xl-b:22'
        (Get-Check $report SshTrust).Detail | Should -BeLike 'root on fwd-xl-a logs in to xl-b without a password*'
    }

    It 'migrates with the default target and back with an explicit address on the migration network' {
        $there = Move-XenDomain -Name tiny -ComputerName fwd-xl-a -Destination fwd-xl-b -Confirm:$false -ErrorAction Stop
        $there.Status | Should -Be 'Succeeded'
        $there.MigrationTarget.Host | Should -Be 'xl-b'

        $back = Move-XenDomain -Name tiny -ComputerName fwd-xl-b -Destination fwd-xl-a -MigrationTarget $A.migration_address -Confirm:$false -ErrorAction Stop
        $back.Status | Should -Be 'Succeeded'
        $back.VerifiedOnDestination | Should -BeTrue
        $back.MigrationTarget.Host | Should -Be $A.migration_address
        $back.MigrationTarget.Origin | Should -Be 'Explicit'
        (Get-XenDomain -ComputerName fwd-xl-a -Name tiny).Name | Should -Be 'tiny'
    }

    It "keeps xl's own reason when the migration fails" {
        Invoke-LabHost $Lab xl-a @('sh', '-c', 'mv /root/.ssh/id_ed25519 /root/.ssh/id_ed25519.off') | Out-Null
        try {
            $result = Move-XenDomain -Name mini -ComputerName fwd-xl-a -Destination fwd-xl-b -SkipReadinessCheck -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        }
        finally {
            Invoke-LabHost $Lab xl-a @('sh', '-c', 'mv /root/.ssh/id_ed25519.off /root/.ssh/id_ed25519') | Out-Null
        }

        $result.Status | Should -Be 'Failed'
        $result.Error | Should -BeLike '*Permission denied*'
        $failed.FullyQualifiedErrorId | Should -Be 'MigrationFailed,XenPS.Commands.MoveXenDomainCommand'
    }
}

Describe 'Migration between xl dom0s behind a bastion' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name tgtbst -LabProfile topology/bastion-xl
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'reaches both dom0s through the bastion' {
        Get-XenSession | ForEach-Object JumpHost | Should -Be @('root@bastion:22', 'root@bastion:22')
    }

    It 'passes readiness and migrates over the dom0s own network' {
        $report = Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b
        @($report.Checks | Where-Object Status -EQ 'Fail' | ForEach-Object { "$($_.Id): $($_.Detail)" }) | Should -BeNullOrEmpty

        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.MigrationTarget.Host | Should -Be 'xl-b'
    }
}
