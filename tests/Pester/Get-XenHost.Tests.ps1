BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name phost
    New-XenSession -ComputerName xm-host, xl-host, dual-host -SshConfigPath $Lab.ssh_config | Out-Null
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'Get-XenHost' {
    Context 'facts equal the lab profile on <HostName>' -ForEach @(
        @{ HostName = 'xm-host'; Toolstack = 'Xm' }
        @{ HostName = 'xl-host'; Toolstack = 'Xl' }
        @{ HostName = 'dual-host'; Toolstack = 'Xm' }
    ) {
        BeforeAll {
            $script:Expected = (Get-LabHost $Lab $HostName).Profile
            $script:Actual = Get-XenHost -ComputerName $HostName
            $script:InfoLines = Invoke-LabHost $Lab $HostName @('sh', '-c', "$($Toolstack.ToLowerInvariant()) info")
        }

        It 'names the host and its toolstack and Xen version' {
            $Actual.ComputerName | Should -Be $HostName
            $Actual.HostName | Should -Be $HostName
            $Actual.Toolstack | Should -Be $Toolstack
            $Actual.XenVersion | Should -Be ('{0}.{1}{2}' -f $Expected.xen.major, $Expected.xen.minor, $Expected.xen.extra)
            $Actual.XenMajor | Should -Be $Expected.xen.major
            $Actual.XenMinor | Should -Be $Expected.xen.minor
            $Actual.Architecture | Should -Be 'x86_64'
        }

        It 'reports memory as the toolstack prints it' {
            $Actual.TotalMemoryMB | Should -Be $Expected.total_memory_mb
            $free = ($InfoLines | Where-Object { $_ -like 'free_memory*' }) -replace '^free_memory\s*:\s*'
            $Actual.FreeMemoryMB | Should -Be ([long]$free)
            $Actual.FreeMemoryMB | Should -BeLessThan $Actual.TotalMemoryMB
        }

        It 'reports the CPUs of the profile' {
            $cpu = $Expected.cpu
            $Actual.Cpus | Should -Be ($cpu.sockets * $cpu.cores_per_socket * $cpu.threads_per_core)
            $Actual.CpuVendor | Should -Be $cpu.vendor
            $Actual.CpuModel | Should -Be $cpu.model_name
            if ($cpu.PSObject.Properties['flags']) {
                $Actual.CpuFlags | Should -Be (($cpu.flags -split ' ') | Sort-Object -Unique -CaseSensitive)
            }
            else {
                $Actual.CpuFlags | Should -Contain 'lm'
            }
        }

        It 'lists the bridges of the profile' {
            $Actual.Bridges | Should -Be @($Expected.bridges | Sort-Object)
        }

        It 'keeps every info line' {
            $Actual.Info.Count | Should -Be @($InfoLines | Where-Object { $_ -match ':' }).Count
        }
    }

    Context 'input' {
        It 'queries several hosts in one call, in the order given' {
            (Get-XenHost -ComputerName dual-host, xm-host, xl-host).ComputerName | Should -Be @('dual-host', 'xm-host', 'xl-host')
        }

        It 'takes sessions from the pipeline' {
            (Get-XenSession -ComputerName 'x*' | Get-XenHost).ComputerName | Sort-Object | Should -Be @('xl-host', 'xm-host')
        }
    }
}
