# A guest goes back where it came from (issue 13). In migrate-xm, dom0-a's Phenom II lacks only osvw of dom0-b's
# Athlon II, a flag no guest of Xen sees: the CPU check passes both ways. readiness/cpu-flags gives dom0-b a CPU
# without sse4a, which guests do see: that move still fails the CPU check.

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-XmPlacement($Lab, [string] $Domain) {
        <# The hosts whose `xm list` shows the domain, from inside the lab. #>
        foreach ($name in 'dom0-a', 'dom0-b') {
            if ((Invoke-LabHost $Lab $name @('xm', 'list')) -match "^$([regex]::Escape($Domain))\s") { $name }
        }
    }

    function Start-PairLab([string] $Name, [string] $LabProfile) {
        $lab = Start-TestLab -Name $Name -LabProfile $LabProfile
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $lab.ssh_config | Out-Null
        $lab
    }

    function Stop-PairLab($Lab) {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    function Get-CpuCheck([string] $From, [string] $To) {
        $report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName $From -Destination $To
        $report.Checks | Where-Object Id -EQ 'Cpu'
    }
}

Describe 'Move-XenDomain back to the host a guest came from' {
    BeforeAll { $script:Lab = Start-PairLab pmvback migrate-xm }
    AfterAll { Stop-PairLab $Lab }

    It 'moves com-xp1 from dom0-a to dom0-b, whose CPU has every flag of dom0-a and osvw' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        Get-XmPlacement $Lab com-xp1 | Should -Be 'dom0-b'
    }

    It 'passes the CPU check for the move back, leaving out osvw, which dom0-a lacks and guests cannot see' {
        $flagsA = (Get-XenHost -ComputerName dom0-a).CpuFlags
        (Get-XenHost -ComputerName dom0-b).CpuFlags | Where-Object { $_ -notin $flagsA } | Should -Be 'osvw'

        $cpu = Get-CpuCheck dom0-b dom0-a

        $cpu.Status | Should -Be 'Pass'
        $cpu.Detail | Should -BeLike '*dom0-a gives guests all * CPU features that dom0-b gives them. Not compared, as guests cannot see them: osvw.'
    }

    It 'moves com-xp1 back to dom0-a with the readiness check, and it runs there' {
        Set-XendRelocation -ComputerName dom0-a -Enabled -HostsAllow '^dom0-b$' -Restart -Confirm:$false -WarningAction SilentlyContinue | Out-Null

        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-b -Destination dom0-a -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        Get-XmPlacement $Lab com-xp1 | Should -Be 'dom0-a'
        (Get-XenDomain -ComputerName dom0-a -Name com-xp1).State | Should -BeIn 'Running', 'Blocked'
    }
}

Describe 'Move-XenDomain to a host whose CPU lacks a feature guests see' {
    BeforeAll { $script:Lab = Start-PairLab pmvcpu readiness/cpu-flags }
    AfterAll { Stop-PairLab $Lab }

    It 'fails the CPU check naming sse4a, and not svm, which guests get only by opting in to nested virtualisation' {
        $cpu = Get-CpuCheck dom0-a dom0-b

        $cpu.Status | Should -Be 'Fail'
        $cpu.Detail | Should -BeLike '*dom0-b (AMD Athlon(tm) II X2 250 Processor) lacks 1 CPU feature(s) that dom0-a (*) gives its guests: sse4a.*'
        $cpu.Remedy | Should -Not -BeNullOrEmpty
    }

    It 'refuses the move, naming the CPU check, and leaves com-xp1 on dom0-a' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*'
        $failures[0].Exception.Message | Should -BeLike '*`[Cpu`]*'
        Get-XmPlacement $Lab com-xp1 | Should -Be 'dom0-a'
    }
}
