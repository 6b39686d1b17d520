BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name pdom
    New-XenSession -ComputerName xm-host, xl-host, dual-host -SshConfigPath $Lab.ssh_config | Out-Null

    function ConvertFrom-ProfileDisk([string] $Spec) {
        $uname, $dev, $mode = $Spec -split ','
        $backend, $path = if ($uname -match '^(tap2?:[a-z]+|file|phy):(.*)$') { $Matches[1], $Matches[2] } else { '', $uname }
        [pscustomobject]@{ Backend = $backend; Path = $path; Target = ($dev -replace ':cdrom$'); Mode = $mode; IsCdrom = $dev -like '*:cdrom' }
    }
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'Get-XenDomain' {
    Context 'objects equal the lab profile on <_>' -ForEach 'xm-host', 'xl-host', 'dual-host' {
        BeforeAll {
            $script:HostName = $_
            $script:Expected = (Get-LabHost $Lab $HostName).Profile.domains | Where-Object name -NE 'Domain-0'
            $script:Actual = Get-XenDomain -ComputerName $HostName
        }

        It 'returns every guest and no dom0' {
            ($Actual.Name | Sort-Object) | Should -Be ($Expected.name | Sort-Object)
        }

        It 'gives each guest its id, memory, vCPUs, CPU time, type and state' {
            foreach ($domain in $Expected) {
                $object = $Actual | Where-Object Name -EQ $domain.name
                $object.ComputerName | Should -Be $HostName
                $object.Id | Should -Be $domain.domid
                $object.MemoryMB | Should -Be $domain.memory
                $object.VCpus | Should -Be $domain.vcpus
                $object.CpuTimeSeconds | Should -Be $domain.cpu_time
                $object.Type | Should -Be $domain.type.ToUpperInvariant()
                $object.StateFlags | Should -Be $domain.state
                $object.State | Should -Be $(if ($domain.state -like 'r*') { 'Running' } else { 'Blocked' })
            }
        }

        It 'gives each guest its disks, vifs and PCI devices' {
            foreach ($domain in $Expected) {
                $object = $Actual | Where-Object Name -EQ $domain.name
                $disks = @($domain.disks | ForEach-Object { ConvertFrom-ProfileDisk $_ })
                $object.Disks.Count | Should -Be $disks.Count
                for ($i = 0; $i -lt $disks.Count; $i++) {
                    $object.Disks[$i].Path | Should -Be $disks[$i].Path
                    $object.Disks[$i].Target | Should -Be $disks[$i].Target
                    $object.Disks[$i].Mode | Should -Be $disks[$i].Mode
                    $object.Disks[$i].IsCdrom | Should -Be $disks[$i].IsCdrom
                    if ($HostName -ne 'xl-host') { $object.Disks[$i].Backend | Should -Be $disks[$i].Backend }
                }
                $object.Vifs.Bridge | Should -Be @($domain.vifs | ForEach-Object { ($_ -split ',' | Where-Object { $_ -like 'bridge=*' }) -replace '^bridge=' })
                @($object.PciDevices) | Should -Be @($domain.pci | Where-Object { $_ })
            }
        }
    }

    Context 'selection' {
        It 'matches names with wildcards on several hosts in one call' {
            $web = Get-XenDomain -ComputerName xm-host, xl-host, dual-host -Name 'web*'
            ($web | ForEach-Object { "$($_.ComputerName)/$($_.Name)" } | Sort-Object) |
                Should -Be @('dual-host/web04', 'xl-host/web01', 'xl-host/web03', 'xm-host/web01', 'xm-host/web02')
        }

        It 'includes Domain-0 only with -IncludeDom0' {
            (Get-XenDomain -ComputerName xl-host).Name | Should -Not -Contain 'Domain-0'
            $dom0 = Get-XenDomain -ComputerName xl-host -IncludeDom0 | Where-Object Name -EQ 'Domain-0'
            $dom0.Id | Should -Be 0
            $dom0.IsDom0 | Should -BeTrue
        }

        It 'reports a name that matches nothing as DomainNotFound' {
            $result = Get-XenDomain -ComputerName xm-host -Name 'no-such-guest' -ErrorVariable failures -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $failures[0].Exception.Message | Should -BeLike "*'no-such-guest'*xm-host*"
        }

        It 'refuses an invalid wildcard pattern before querying any host' {
            $failure = { Get-XenDomain -ComputerName xm-host, xl-host -Name 'web*', 'x[' } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be 'InvalidWildcardPattern,XenPS.Commands.GetXenDomainCommand'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -BeLike "-Name 'x``[' is not a valid wildcard pattern*escape them with a backtick*"
        }

        It 'matches [ literally when it is escaped' {
            Get-XenDomain -ComputerName xm-host -Name ([WildcardPattern]::Escape('web[01]')) -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        }

        It 'queries every open session when no host is named' {
            (Get-XenDomain -Name 'db*' | ForEach-Object ComputerName | Sort-Object -Unique) | Should -Be @('dual-host', 'xl-host', 'xm-host')
        }

        It 'takes sessions with -Session' {
            $session = Get-XenSession -ComputerName dual-host
            (Get-XenDomain -Session $session).Name | Sort-Object | Should -Be @('db03', 'web04')
        }
    }

    Context 'pipeline' {
        It 'takes ComputerName from Get-XenHost objects' {
            (Get-XenHost -ComputerName dual-host | Get-XenDomain).Name | Sort-Object | Should -Be @('db03', 'web04')
        }

        It 'takes Name and ComputerName from its own objects' {
            $again = Get-XenDomain -ComputerName xm-host, xl-host -Name 'db*' | Get-XenDomain
            ($again | ForEach-Object { "$($_.ComputerName)/$($_.Name)" } | Sort-Object) | Should -Be @('xl-host/db02', 'xm-host/db01')
        }
    }

    Context 'completion' {
        It 'completes domain names from the hosts of the open sessions' {
            $line = 'Get-XenDomain -ComputerName xm-host -Name we'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('web01', 'web02')
        }

        It 'completes host names from the sessions and the ssh_config in use' {
            $line = "New-XenSession -SshConfigPath $($Lab.ssh_config) -ComputerName du"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('dual-host')
            $line = 'Get-XenHost -ComputerName xl'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('xl-host')
        }
    }

    Context 'a toolstack that prints <Kind>' -ForEach @(
        @{ Kind = 'without end'; Output = 'yes ''{ "domid": 1 },''' }
        @{ Kind = '100 MB at once'; Output = "head -c 100000000 /dev/zero | tr '\0' x" }
    ) {
        BeforeAll {
            # xl-host's xl lists its domains with that output instead; every other xl command is the real one.
            Invoke-LabHost $Lab xl-host 'sh', '-c', 'mv /usr/sbin/xl /usr/sbin/xl.real && printf "%s\n" "#!/bin/sh" "$1" > /usr/sbin/xl && chmod 755 /usr/sbin/xl', 'xenps',
                "case `"`$*`" in 'list -l') $Output;; *) exec /usr/sbin/xl.real `"`$@`";; esac" | Out-Null
            $script:Script = New-TestFile -Name 'query.ps1' -Line (Get-Content -Raw (Join-Path $PSScriptRoot 'BoundedQuery.ps1'))
        }

        AfterAll {
            Invoke-LabHost $Lab xl-host 'mv', '/usr/sbin/xl.real', '/usr/sbin/xl' | Out-Null
        }

        It 'ends the query of that host with OutputLimitExceeded naming the host and the command, in bounded memory' {
            $json = Invoke-ChildPwsh -File $Script -ArgumentList @('-ModulePath', $env:XENPS_MODULE, '-SshConfigPath', $Lab.ssh_config, '-ComputerName', 'xl-host')
            $result = ($json | Select-Object -Last 1) | ConvertFrom-Json
            $result.Domains | Should -Be 0
            @($result.ErrorId) | Should -Be @('OutputLimitExceeded,XenPS.Commands.GetXenDomainCommand')
            $result.Message | Should -BeLike "'xl list -l' on xl-host printed more than 16 MiB*New-XenSession -MaxCommandOutput*"
            $result.PeakWorkingSetMB | Should -BeLessThan 1024
        }
    }

    Context 'names a guest owner chooses' {
        BeforeAll {
            $script:Ghost = "ghost  99 4096 4 r----- 1.0`nreal"
            $script:Evil = "evil`e]0;pwned`a`e[2J"
            $rename = 'import json, sys; p = "/var/lib/xen/xenlab/state.json"; s = json.load(open(p)); n = dict(zip(sys.argv[1::2], sys.argv[2::2])); ' +
                '[d.update(name=n[d["name"]]) for d in s["domains"] if d["name"] in n]; json.dump(s, open(p, "w"))'
            Invoke-LabHost $Lab xl-host 'cp', '/var/lib/xen/xenlab/state.json', '/var/lib/xen/xenlab/state.json.orig' | Out-Null
            Invoke-LabHost $Lab xl-host '/usr/bin/python3', '-c', $rename, 'web01', $Ghost, 'web03', 'Domain-0 ', 'db02', $Evil | Out-Null
            $script:Domains = Get-XenDomain -ComputerName xl-host -WarningVariable warnings -WarningAction SilentlyContinue
            $script:Warnings = $warnings
        }

        AfterAll {
            Invoke-LabHost $Lab xl-host 'mv', '/var/lib/xen/xenlab/state.json.orig', '/var/lib/xen/xenlab/state.json' | Out-Null
        }

        It 'keeps each exact name from xl list -l, with no phantom row and no guest taken for dom0' {
            ($Domains.Name | Sort-Object) | Should -Be (@('Domain-0 ', $Evil, $Ghost) | Sort-Object)
            $Domains.Id | Should -Not -Contain 99
            ($Domains | Where-Object Name -EQ $Ghost).State | Should -Be 'Blocked'
            ($Domains | Where-Object Name -EQ 'Domain-0 ').IsDom0 | Should -BeFalse
            $Warnings | Should -BeNullOrEmpty
        }

        It 'shows control characters escaped in the views' {
            foreach ($view in { $Domains | Format-Table }, { $Domains | Format-List }) {
                $text = & $view | Out-String -Width 300
                $text | Should -Not -Match '[\x00-\x09\x0b-\x1f\x7f]'
                $text | Should -BeLike '*evil\x1b]0;pwned\x07\x1b`[2J*'
                $text | Should -BeLike '*ghost  99 4096 4 r----- 1.0\nreal*'
            }
        }
    }

    Context 'limits of a session' {
        It 'limits each command to 300 s and 16 MiB unless told otherwise' {
            $session = New-XenSession -ComputerName xl-host -SshConfigPath $Lab.ssh_config -ErrorAction Stop
            $session.CommandTimeout | Should -Be ([timespan]::FromSeconds(300))
            $session.MaxCommandOutput | Should -Be 16MB
            $session | Remove-XenSession
        }

        It 'takes a smaller -MaxCommandOutput for every command of the session' {
            $small = New-XenSession -ComputerName xl-host -SshConfigPath $Lab.ssh_config -MaxCommandOutput 4KB -Force -ErrorAction Stop
            try {
                Get-XenDomain -Session $small -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $failures[0].FullyQualifiedErrorId | Should -Be 'OutputLimitExceeded,XenPS.Commands.GetXenDomainCommand'
                $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
                $failures[0].Exception.Message | Should -BeLike "*on xl-host printed more than 4 KiB*"
            }
            finally {
                New-XenSession -ComputerName xl-host -SshConfigPath $Lab.ssh_config -Force | Out-Null
            }
        }
    }

    Context 'a host that fails' {
        It 'gives one error record naming it while the other hosts return' {
            $unreachable = ($Lab.gateway -replace '\.1$', '.250')
            $result = Get-XenDomain -ComputerName xm-host, $unreachable, xl-host -Name 'web01' -ErrorVariable failures -ErrorAction SilentlyContinue
            ($result.ComputerName | Sort-Object) | Should -Be @('xl-host', 'xm-host')
            $failures.Count | Should -Be 1
            $failures[0].TargetObject | Should -Be $unreachable
            $failures[0].Exception.Message | Should -BeLike "*$unreachable*"
        }
    }
}
