BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:XenSim = Join-Path $PSScriptRoot '../XenLab'
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'

    function Get-Placement($Lab, [string] $Domain, [string[]] $HostName) {
        <# The hosts that list the domain (under its own name), from inside the lab. #>
        foreach ($name in $HostName) {
            $tool = if ($name -like 'xl-*') { 'xl' } else { 'xm' }
            if ((Invoke-LabHost $Lab $name @($tool, 'list')) -match "^$([regex]::Escape($Domain))\s") { $name }
        }
    }

    function Get-ExpectedImageHash($Lab, [string] $HostName, [string] $Domain, [string] $Module) {
        <# The SHA-256 the destination must record: the simulator's image of the domain, computed here from its uuid. #>
        $uuid = ((Invoke-LabHost $Lab $HostName @('xl', 'list', '-l', $Domain)) -join "`n" | ConvertFrom-Json)[0].config.c_info.uuid
        $memory = ((Get-LabHost $Lab $HostName).Profile.domains | Where-Object name -EQ $Domain).memory
        & /usr/bin/python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from xensim.$Module import image_sha256; print(image_sha256(sys.argv[2], int(sys.argv[3])))" $XenSim $uuid $memory
    }

    function Get-LockFolder([string] $Domain) {
        $hash = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($Domain))
        '/var/run/xenps/migrate-' + (($hash[0..7] | ForEach-Object { $_.ToString('x2') }) -join '')
    }
}

Describe 'Move-XenDomain with xl' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmovxl -LabProfile migrate-xl
        New-XenSession -ComputerName xl-a, xl-b, xl-c -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'changes nothing with -WhatIf' {
        Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -WhatIf | Should -BeNullOrEmpty
        Get-Placement $Lab tiny 'xl-a', 'xl-b' | Should -Be 'xl-a'
    }

    It 'refuses while the domain is being migrated already, and changes nothing' {
        $lock = Get-LockFolder tiny
        Invoke-LabHost $Lab xl-a @('sh', '-c', "mkdir -p $lock && echo 'another Move-XenDomain' > $lock/owner") | Out-Null
        try {
            $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationInProgress,*'
            $failures[0].Exception.Message | Should -BeLike '*another Move-XenDomain*'
            Get-Placement $Lab tiny 'xl-a', 'xl-b' | Should -Be 'xl-a'
        }
        finally {
            Invoke-LabHost $Lab xl-a @('rm', '-rf', $lock) | Out-Null
        }
    }

    It 'migrates live over SSH, verifies the domain on the destination only, and the memory image arrives intact' {
        $expected = Get-ExpectedImageHash $Lab xl-a tiny xlmigrate
        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -Confirm:$false

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.DomainLocation | Should -Be 'Destination'
        $result.Toolstack | Should -Be 'Xl'
        $result.MemoryMB | Should -Be 32
        $result.ThroughputMBps | Should -BeGreaterThan 0
        Get-Placement $Lab tiny 'xl-a', 'xl-b' | Should -Be 'xl-b'
        Invoke-LabHost $Lab xl-b @('cat', '/var/lib/xen/xenlab/images/tiny.sha256') | Should -Be $expected
        Invoke-LabHost $Lab xl-a @('sh', '-c', 'ls /var/run/xenps 2>/dev/null || true') | Should -BeNullOrEmpty
    }

    It 'refuses when the readiness check fails, naming the check, and changes nothing' {
        $result = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-c -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*'
        $failures[0].Exception.Message | Should -BeLike '*`[Memory`]*'
        Get-Placement $Lab mini 'xl-a', 'xl-c' | Should -Be 'xl-a'
    }

    It 'reports the toolstack''s message and the domain still on the source when the destination is short of memory' {
        $result = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-c -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $result.DomainLocation | Should -Be 'Source'
        $result.Error | Should -BeLike '*Migration failed, resuming at sender.*xl migrate exited with status 1. mini runs on xl-a, as before; xl-c has no copy of it.'
        $result.SourceState | Should -Be 'Blocked'
        $result.DestinationState | Should -Be 'Absent'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
        Get-Placement $Lab mini 'xl-a', 'xl-c' | Should -Be 'xl-a'
    }

    It 'returns a job with -AsJob, whose results arrive with Receive-Job' {
        $job = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-b -Confirm:$false -AsJob
        $job | Should -BeOfType System.Management.Automation.Job
        $job.PSJobTypeName | Should -Be 'XenPSMigrationJob'
        $result = $job | Wait-Job -Timeout 60 | Receive-Job
        $job.State | Should -Be 'Completed'
        Remove-Job $job
        $result.Domain | Should -Be 'mini'
        $result.Status | Should -Be 'Succeeded'
        Get-Placement $Lab mini 'xl-a', 'xl-b' | Should -Be 'xl-b'
    }
}

Describe 'Move-XenDomain with xm' {
    BeforeAll {
        function Start-XmLab([string] $Name) {
            $lab = Start-TestLab -Name $Name -LabProfile migrate-xm
            New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $lab.ssh_config | Out-Null
            $lab
        }
        function Stop-XmLab($Lab) {
            Get-XenSession | Remove-XenSession
            Stop-TestLab $Lab
        }
        function Wait-Migrating($Lab, [string] $Domain) {
            <# Waits until the destination lists migrating-NAME: the transfer is under way. #>
            for ($i = 0; $i -lt 100; $i++) {
                if ((Invoke-LabHost $Lab dom0-b @('xm', 'list')) -match "^migrating-$Domain\s") { return }
                Start-Sleep -Milliseconds 100
            }
            throw "dom0-b never listed migrating-$Domain."
        }
    }

    Context 'a migration that succeeds' {
        BeforeAll { $script:Lab = Start-XmLab pmovxm }
        AfterAll { Stop-XmLab $Lab }

        It 'migrates live through xend''s relocation server and the memory image arrives intact' {
            $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false
            $result.Status | Should -Be 'Succeeded'
            $result.VerifiedOnDestination | Should -BeTrue
            $result.Toolstack | Should -Be 'Xm'
            Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
            $sent = Invoke-LabHost $Lab dom0-a @('cat', '/var/lib/xen/xenlab/images/com-xp1.sha256')
            Invoke-LabHost $Lab dom0-b @('cat', '/var/lib/xen/xenlab/images/com-xp1.sha256') | Should -Be $sent
        }
    }

    Context 'the destination refuses' {
        BeforeAll { $script:Lab = Start-XmLab pmovref }
        AfterAll { Stop-XmLab $Lab }

        It 'reports <Case> with xend''s message and the domain running on the source only' -ForEach @(
            @{ Case = 'a domain larger than the free memory'; Domain = 'big'; Message = '*I need 6144000 KiB, but dom0_min_mem is 200704*xm migrate exited with status 1. big runs on dom0-a, as before; dom0-b has no copy of it.'; Setup = $null; Undo = $null }
            @{ Case = 'a disk missing on the destination'; Domain = 'com-xp1'; Message = '*does not exist*com-xp1 runs on dom0-a, as before; dom0-b has no copy of it.'
               Setup = @('mount', '-t', 'tmpfs', 'tmpfs', '/THECUS_NFS'); Undo = @('umount', '/THECUS_NFS') }
            @{ Case = 'a rejection by hosts-allow'; Domain = 'com-xp1'; Message = '*failed*com-xp1 runs on dom0-a, as before; dom0-b has no copy of it.'
               Setup = @('sh', '-c', "sed -i 's/\^dom0-a\$/^dom0-c\$/' /etc/xen/xend-config.sxp && xend restart")
               Undo = @('sh', '-c', "sed -i 's/\^dom0-c\$/^dom0-a\$/' /etc/xen/xend-config.sxp && xend restart") }
        ) {
            if ($Setup) { Invoke-LabHost $Lab dom0-b $Setup | Out-Null }
            try {
                $result = Move-XenDomain -Name $Domain -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
                $result.Status | Should -Be 'Failed'
                $result.DomainLocation | Should -Be 'Source'
                $result.Error | Should -BeLike $Message
                $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
                Get-Placement $Lab $Domain 'dom0-a', 'dom0-b' | Should -Be 'dom0-a'
            }
            finally {
                if ($Undo) { Invoke-LabHost $Lab dom0-b $Undo | Out-Null }
            }
        }
    }

    Context 'on a slow link' {
        BeforeAll {
            $script:Lab = Start-XmLab pmovslo
            & /usr/bin/python3 $LabScript shape --dir $Lab.dir --rate 48mbit | Out-Null
        }
        AfterAll { Stop-XmLab $Lab }

        It 'refuses a second migration of the same domain, and survives losing its SSH connection' {
            $module = $env:XENPS_MODULE
            $first = Start-ThreadJob -ScriptBlock {
                Import-Module $using:module
                Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false
            }
            Wait-Migrating $Lab com-xp1

            $second = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $second | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationInProgress,*'

            & pkill -P ((Get-LabHost $Lab 'dom0-a').Lab.sshd_pid)
            $result = $first | Wait-Job -Timeout 120 | Receive-Job
            Remove-Job $first -Force
            $result.Status | Should -Be 'Succeeded'
            $result.VerifiedOnDestination | Should -BeTrue
            Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
        }
    }
}

Describe 'Move-XenDomain -SkipCheck: dom0-b lacks sse4a, which dom0-a gives its guests' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmvwaive -LabProfile readiness/cpu-flags
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'refuses the move without -SkipCheck, and says which -SkipCheck would let it through' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*'
        $failures[0].Exception.Message | Should -BeLike '*`[Cpu`]*give -SkipCheck Cpu to let them through as warnings.'
        Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-a'
    }

    It 'refuses -SkipCheck NameFree before anything runs, saying why' {
        { Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu, NameFree -Confirm:$false } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,XenPS.Commands.MoveXenDomainCommand' -ExpectedMessage '*NameFree check cannot be waived*two copies of one guest on shared storage corrupt its disks*'
        Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-a'
    }

    It 'refuses -SkipCheck with -SkipReadinessCheck, saying to give one of them' {
        { Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu -SkipReadinessCheck -Confirm:$false } |
            Should -Throw -ErrorId 'SkipCheckConflict,XenPS.Commands.MoveXenDomainCommand' -ExpectedMessage 'Give -SkipCheck or -SkipReadinessCheck, not both*'
        Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-a'
    }

    It 'moves com-xp1 with -SkipCheck Cpu, and its result lists Cpu as waived' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipCheck Cpu -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.WaivedChecks | Should -Be @('Cpu')
        Get-Placement $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
    }
}

Describe 'Move-XenDomain evacuating a host' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pmovevac -LabProfile migrate-evacuate
        & /usr/bin/python3 $LabScript shape --dir $Lab.dir --rate 96mbit | Out-Null
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'moves six domains three at a time and returns six verified results' {
        $labDir = $Lab.dir
        $sampler = Start-ThreadJob -ScriptBlock {
            # The job folders on the source are the migrations running at that moment.
            $most = 0
            while (-not (Test-Path "$using:labDir/stop-sampling")) {
                $running = @(& /usr/bin/python3 $using:LabScript exec --dir $using:labDir dom0-a -- sh -c 'ls /var/run/xenps 2>/dev/null' | Where-Object { $_ }).Count
                if ($running -gt $most) { $most = $running }
                Start-Sleep -Milliseconds 100
            }
            $most
        }
        $results = Get-XenDomain -ComputerName dom0-a -Name 'ev*' | Move-XenDomain -Destination dom0-b -ThrottleLimit 3 -SkipReadinessCheck -Confirm:$false
        New-Item -ItemType File -Path "$labDir/stop-sampling" | Out-Null
        $most = $sampler | Wait-Job -Timeout 30 | Receive-Job
        Remove-Job $sampler -Force
        Remove-Item "$labDir/stop-sampling"

        $results.Count | Should -Be 6
        ($results.Domain | Sort-Object) | Should -Be @('ev1', 'ev2', 'ev3', 'ev4', 'ev5', 'ev6')
        $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        $most | Should -Be 3
        (Get-XenDomain -ComputerName dom0-b -Name 'ev*').Count | Should -Be 6
    }
}
