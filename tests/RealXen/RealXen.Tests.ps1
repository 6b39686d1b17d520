# XenPS against two real Xen 4.17 dom0s (tests/RealXen/README.md). The client reaches them only through QEMU's
# forwarded ports on 127.0.0.1 under the aliases rx-a and rx-b; the dom0s reach each other as xen-a and xen-b over
# a migration network of their own. The guest is "counter", which prints a count on its console every second.

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'RealXen.psm1') -Force
    $script:Run = Get-RealXenRun
    New-XenSession -ComputerName rx-a, rx-b -SshConfigPath $Run.ssh_config | Out-Null

    function Get-Check($Report, [string] $Id) { $Report.Checks | Where-Object Id -EQ $Id }

    function Assert-CounterGoesOn([string] $Alias, [long] $Before) {
        $after = Get-CounterValue $Alias
        $after | Should -Not -BeNullOrEmpty -Because "the counter guest prints on its console on $Alias"
        $after | Should -BeGreaterThan $Before -Because 'a guest that kept running counts on instead of starting again at 0'
    }

    # The suite starts with the guest on xen-a: created there on new dom0s, or brought back by a rerun.
    if ((Get-XlDomainNames rx-b) -contains 'counter') { Invoke-Dom0 rx-b 'xl migrate counter xen-a' | Out-Null }
    if ((Get-XlDomainNames rx-a) -notcontains 'counter') { Invoke-Dom0 rx-a 'xl create /etc/xen/counter.cfg' | Out-Null }
    Wait-Dom0Condition rx-a '[ "$(xl list counter 2>/dev/null | wc -l)" = 2 ]' 'the counter guest' -Seconds 120
}

AfterAll {
    Get-XenSession | Remove-XenSession
}

Describe 'What XenPS reads on real xl' {
    It 'Get-XenHost gives every field of xl info on the same host' {
        $xenHost = Get-XenHost -ComputerName rx-a
        $info = [ordered]@{}
        foreach ($line in Invoke-Dom0 rx-a 'xl info') {
            if ($line -match '^(\S+)\s*:\s?(.*)$') { $info[$Matches[1]] = $Matches[2].Trim() }
        }

        $xenHost.Toolstack | Should -Be 'Xl'
        $xenHost.HostName | Should -Be $info.host
        $xenHost.XenVersion | Should -Be "$($info.xen_major).$($info.xen_minor)$($info.xen_extra)"
        $xenHost.XenVersion | Should -Be $Run.xen.Split('+')[0]
        $xenHost.Architecture | Should -Be $info.machine
        $xenHost.TotalMemoryMB | Should -Be ([long]$info.total_memory)
        $xenHost.Cpus | Should -Be ([int]$info.nr_cpus)
        $xenHost.XenCaps | Should -Be ($info.xen_caps -split '\s+')
        $static = @($xenHost.Info | Where-Object Key -NE 'free_memory' | ForEach-Object { "$($_.Key)=$($_.Value)" })
        $static | Should -Be @($info.Keys | Where-Object { $_ -ne 'free_memory' } | ForEach-Object { "$_=$($info[$_])" })
    }

    It "Get-XenHost gives the dom0's CPU as /proc/cpuinfo names it" {
        $xenHost = Get-XenHost -ComputerName rx-b
        $cpuinfo = Invoke-Dom0 rx-b 'cat /proc/cpuinfo'

        $xenHost.CpuVendor | Should -Be (($cpuinfo -match '^vendor_id')[0] -replace '^[^:]*:\s*', '')
        $xenHost.CpuModel | Should -Be (($cpuinfo -match '^model name')[0] -replace '^[^:]*:\s*', '')
        $xenHost.CpuFlags | Sort-Object | Should -Be ((($cpuinfo -match '^flags')[0] -replace '^[^:]*:\s*', '') -split '\s+' | Sort-Object)
    }

    It 'Get-XenDomain gives what xl list and xl list -l print for every domain' {
        $domains = Get-XenDomain -ComputerName rx-a -IncludeDom0
        $table = Invoke-Dom0 rx-a 'xl list' | Select-Object -Skip 1
        $json = (Invoke-Dom0 rx-a 'xl list -l') -join "`n" | ConvertFrom-Json

        @($domains).Count | Should -Be @($table).Count
        foreach ($row in $table) {
            $name, $id, $memory, $vcpus, $state, $time = $row -split '\s+'
            $domain = $domains | Where-Object Name -EQ $name
            $domain | Should -Not -BeNullOrEmpty -Because "xl list shows $name"
            $domain.Id | Should -Be ([int]$id)
            $domain.MemoryMB | Should -Be ([long]$memory)
            $domain.VCpus | Should -Be ([int]$vcpus)
            $domain.StateFlags | Should -Be $state
            $domain.CpuTimeSeconds | Should -BeLessOrEqual ([double]$time + 60)
            $config = ($json | Where-Object domid -EQ ([int]$id)).config
            $domain.Uuid | Should -Be $config.c_info.uuid
        }
        $counter = $domains | Where-Object Name -EQ 'counter'
        $counter.Type | Should -Be 'PV'
        $counter.State | Should -BeIn 'Running', 'Blocked'
        $counter.MaxMemoryMB | Should -Be ([long](($json | Where-Object { $_.config.c_info.name -eq 'counter' }).config.b_info.max_memkb / 1024))
    }
}

Describe 'Readiness through the forwarded ports' {
    It 'passes every check for the counter guest, with the destination reached by its own name' {
        $report = Test-XenMigrationReadiness -Name counter -ComputerName rx-a -Destination rx-b

        @($report.Checks | Where-Object Status -EQ 'Fail' | ForEach-Object { "$($_.Id): $($_.Detail)" }) | Should -BeNullOrEmpty
        $report.IsReady | Should -BeTrue
        $report.MigrationTarget.Host | Should -Be 'xen-b'
        $report.MigrationTarget.Address | Should -Be '198.18.1.2'
        $report.MigrationTarget.Port | Should -Be 22
        (Get-Check $report SshTrust).Status | Should -Be 'Pass'
    }
}

Describe 'Live migration on real xl' {
    It 'moves the counter guest from xen-a to xen-b, verified there, and the guest keeps counting' {
        $before = Get-CounterValue rx-a
        $before | Should -Not -BeNullOrEmpty

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Move-XenDomain -Name counter -ComputerName rx-a -Destination rx-b -Confirm:$false -ErrorAction Stop
        Add-RealXenFigure 'Move-XenDomain xen-a -> xen-b' $clock.Elapsed.TotalSeconds
        Add-RealXenFigure '  its xl migrate, as Move-XenDomain followed it (Duration)' $result.Duration.TotalSeconds

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.MigrationTarget.ToString() | Should -Be 'xen-b:22'
        Get-XlDomainNames rx-a | Should -Not -Contain 'counter'
        (Get-XenDomain -ComputerName rx-b -Name counter).State | Should -BeIn 'Running', 'Blocked'
        Assert-CounterGoesOn rx-b $before
    }

    It 'moves it back from xen-b to xen-a' {
        $before = Get-CounterValue rx-b

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Move-XenDomain -Name counter -ComputerName rx-b -Destination rx-a -Confirm:$false -ErrorAction Stop
        Add-RealXenFigure 'Move-XenDomain xen-b -> xen-a' $clock.Elapsed.TotalSeconds
        Add-RealXenFigure '  its xl migrate, as Move-XenDomain followed it (Duration)' $result.Duration.TotalSeconds

        $result.Status | Should -Be 'Succeeded'
        $result.MigrationTarget.Host | Should -Be 'xen-a'
        Get-XlDomainNames rx-b | Should -Not -Contain 'counter'
        Assert-CounterGoesOn rx-a $before
    }
}

Describe 'A real failure: the receiver killed mid-transfer' {
    It 'reports Failed with the guest still running on xen-a and the leftover on xen-b with its remedy' {
        $before = Get-CounterValue rx-a
        $job = Move-XenDomain -Name counter -ComputerName rx-a -Destination rx-b -Confirm:$false -AsJob
        Wait-Dom0Condition rx-b 'xl list counter--incoming >/dev/null 2>&1 && pgrep -f "xl migrate-receive" >/dev/null' 'an incoming transfer'
        Start-Sleep -Seconds 3
        Invoke-Dom0 rx-b 'pkill -KILL -f "xl migrate-receive"' | Out-Null
        $result = $job | Wait-Job | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable failed
        $job | Remove-Job

        $result.Status | Should -Be 'Failed'
        $result.DomainLocation | Should -Be 'Source'
        $result.SourceState | Should -BeIn 'Running', 'Blocked'
        $result.DestinationState | Should -Be 'Migrating'
        $result.Leftover | Should -Be 'counter--incoming'
        $result.Error | Should -BeLike "*counter runs on rx-a, as before; rx-b holds counter--incoming, a leftover of a failed migration*remove it with 'xl destroy counter--incoming' on rx-b, or give Move-XenDomain -RemoveLeftover."
        $failed.Exception.Message | Should -BeLike '*Migration failed, resuming at sender.*xl migrate exited with status 1.*'
        Get-XlDomainNames rx-b | Should -Contain 'counter--incoming'
        Assert-CounterGoesOn rx-a $before
    }

    It 'names the leftover in readiness with the command that removes it' {
        $report = Test-XenMigrationReadiness -Name counter -ComputerName rx-a -Destination rx-b

        $report.IsReady | Should -BeFalse
        $nameFree = Get-Check $report NameFree
        $nameFree.Status | Should -Be 'Fail'
        $nameFree.Detail | Should -BeLike 'rx-b holds counter--incoming, a leftover of a failed migration of counter (paused*'
        $nameFree.Remedy | Should -Be "Remove it with 'xl destroy counter--incoming' on rx-b, or give Move-XenDomain -RemoveLeftover."
    }

    It 'succeeds on a retry after the opt-in removal of the leftover' {
        $before = Get-CounterValue rx-a

        $output = Move-XenDomain -Name counter -ComputerName rx-a -Destination rx-b -RemoveLeftover -Confirm:$false -Verbose -ErrorAction Stop 4>&1
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $result = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        $verbose | Should -Contain 'rx-b: xl destroy counter--incoming'
        $result.Status | Should -Be 'Succeeded'
        Get-XlDomainNames rx-b | Should -Not -Contain 'counter--incoming'
        Assert-CounterGoesOn rx-b $before
    }
}

Describe 'Figures: plain xl migrate of the same guest, against the Move-XenDomain runs above' {
    It 'times plain ssh + xl migrate there and back' {
        $here, $there = if ((Get-XlDomainNames rx-a) -contains 'counter') { 'rx-a', 'rx-b' } else { 'rx-b', 'rx-a' }
        $name = @{ 'rx-a' = 'xen-a'; 'rx-b' = 'xen-b' }

        $clock = [Diagnostics.Stopwatch]::StartNew()
        Invoke-Dom0 $here "xl migrate counter $($name[$there])" | Out-Null
        Add-RealXenFigure "plain ssh + xl migrate $($name[$here]) -> $($name[$there])" $clock.Elapsed.TotalSeconds
        Get-XlDomainNames $there | Should -Contain 'counter'

        $clock.Restart()
        Invoke-Dom0 $there "xl migrate counter $($name[$here])" | Out-Null
        Add-RealXenFigure "plain ssh + xl migrate $($name[$there]) -> $($name[$here])" $clock.Elapsed.TotalSeconds
        Get-XlDomainNames $here | Should -Contain 'counter'
    }
}
