# The lab's `xm migrate` (tests/XenLab/xensim/xmmigrate.py): dom0-a sends a guest's config and memory image over
# real TCP to dom0-b's xend relocation server, which checks it as xend's restore does. Profile migrate-xm: com-xp1
# (32 MB, disk on the shared /THECUS_NFS) and big (6000 MB, more than dom0-b has free after ballooning Domain-0 down to dom0-min-mem) on dom0-a; dom0-b admits
# dom0-a only. The refusals run first, each leaving com-xp1 where it was; the last context migrates it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name xmmig -LabProfile migrate-xm
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'
    $script:Uuid = '5d3c2f9a-7e1b-4c6d-9a0e-2b8f4c1d7e63'


    function Restart-Xend([string] $HostName, [string[]] $Line) {
        <# Writes the host's whole /etc/xen/xend-config.sxp and restarts its xend. #>
        $write = 'import sys; open(sys.argv[1], "w").write(sys.argv[2])'
        Invoke-LabHost $Lab $HostName @('python3', '-I', '-S', '-c', $write, '/etc/xen/xend-config.sxp', (($Line -join "`n") + "`n")) | Out-Null
        Invoke-LabHost $Lab $HostName @('xend', 'restart') | Out-Null
    }

    function Get-DomainName([string] $HostName) {
        <# The names in the host's `xm list`. #>
        @(Invoke-LabHost $Lab $HostName @('xm', 'list') | Select-Object -Skip 1 | ForEach-Object { ($_ -split '\s+')[0] })
    }

    function Get-Sha256([string] $HostName) {
        (Invoke-LabHost $Lab $HostName @('cat', '/var/lib/xen/xenlab/images/com-xp1.sha256')) -join ''
    }

    $script:AllowA = @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '^dom0-a$')")
}

AfterAll {
    if ($Lab) { Stop-TestLab $Lab }
}

Describe 'XenLab xm migrate' {
    Context 'refused by <Case>' -ForEach @(
        @{ Case = 'the source: dom0'; Domain = 'Domain-0'; Code = 1
           Pattern = '^Error: Cannot migrate privileged domain Domain-0$' }
        @{ Case = 'the source: an unknown domain'; Domain = 'nosuch'; Code = 3
           Pattern = "^Error: Domain 'nosuch' does not exist\.$" }
        @{ Case = "dom0-b's free memory"; Domain = 'big'; Code = 1; Logged = 'big (2)'
           Pattern = '^Error: I need 6144000 KiB, but dom0_min_mem is 200704 and shrinking to 200704 KiB would leave only 6088704 KiB free\.$' }
    ) {
        BeforeAll {
            $script:Result = Invoke-LabHostCommand $Lab dom0-a @('xm', 'migrate', $Domain, 'dom0-b')
            $script:OnA, $script:OnB = (Get-DomainName dom0-a), (Get-DomainName dom0-b)
            $script:LogA = (Invoke-LabHost $Lab dom0-a @('cat', '/var/log/xen/xend.log')) -join "`n"
            $script:LogB = (Invoke-LabHost $Lab dom0-b @('cat', '/var/log/xen/xend.log')) -join "`n"
        }

        It 'prints the error and exits with its code' {
            $Result.Output | Should -Match $Pattern
            $Result.ExitCode | Should -Be $Code
        }

        It 'leaves every guest on dom0-a' {
            $OnA | Should -Be @('Domain-0', 'big', 'com-xp1')
            $OnB | Should -Be @('Domain-0')
        }

        It "logs xend's resume line on dom0-a (and dom0-b its error) once the transfer has begun, and not before" {
            if ($Logged) {
                $LogA | Should -Match ([regex]::Escape("ERROR (XendCheckpoint:177) Save failed on domain $Logged - resuming."))
                $LogB | Should -Match ([regex]::Escape('ERROR (XendCheckpoint:342) I need 6144000 KiB'))
            } else {
                $LogA | Should -Not -Match 'Save failed'
            }
        }
    }

    Context 'refused: the disk is missing on dom0-b' {
        BeforeAll {
            Invoke-LabHost $Lab dom0-b @('mv', '/THECUS_NFS/com-xp1.img', '/THECUS_NFS/com-xp1.away') | Out-Null
            $script:Result = Invoke-LabHostCommand $Lab dom0-a @('xm', 'migrate', 'com-xp1', 'dom0-b')
            Invoke-LabHost $Lab dom0-b @('mv', '/THECUS_NFS/com-xp1.away', '/THECUS_NFS/com-xp1.img') | Out-Null
        }

        It "fails with the block device's error and keeps com-xp1 on dom0-a only" {
            $Result.Output | Should -Be 'Error: Device 768 (vbd) could not be connected. /THECUS_NFS/com-xp1.img does not exist.'
            $Result.ExitCode | Should -Be 1
            Get-DomainName dom0-a | Should -Contain 'com-xp1'
            Get-DomainName dom0-b | Should -Be @('Domain-0')
        }
    }

    Context "refused by dom0-b's relocation server: <Case>" -ForEach @(
        # xc_save's last argument: live (1) + hvm (4).
        @{ Case = 'hosts-allow names another host'; Config = @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '^nobody$')")
           Pattern = '^Error: /usr/lib/xen/bin/xc_save \d+ 1 0 0 5 failed$' }
        @{ Case = 'relocation off'; Config = @('(xend-relocation-server no)')
           Pattern = "^Error: can't connect: \(111, 'Connection refused'\)$" }
    ) {
        BeforeAll {
            Restart-Xend dom0-b $Config
            $script:Result = Invoke-LabHostCommand $Lab dom0-a @('xm', 'migrate', '-l', 'com-xp1', 'dom0-b')
            $script:OnA, $script:OnB = (Get-DomainName dom0-a), (Get-DomainName dom0-b)
            Restart-Xend dom0-b $AllowA
        }

        It 'prints the error, exits 1 and keeps com-xp1 running on dom0-a only' {
            $Result.Output | Should -Match $Pattern
            $Result.ExitCode | Should -Be 1
            $OnA | Should -Contain 'com-xp1'
            $OnB | Should -Be @('Domain-0')
        }
    }

    Context 'migrated over a 48 Mbit/s link' {
        BeforeAll {
            $script:FreeBefore = Invoke-LabHost $Lab dom0-b @('xm', 'info') | Where-Object { $_ -like 'free_memory*' }
            & /usr/bin/python3 $LabScript shape --dir $Lab.dir --rate 48mbit | Out-Null
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $migration = Start-LabHostCommand $Lab dom0-a @('xm', 'migrate', 'com-xp1', 'dom0-b')
            $script:During = @()
            while (-not $migration.HasExited -and -not ($During -match '^migrating-com-xp1 ')) {
                $script:During = @(Invoke-LabHost $Lab dom0-b @('xm', 'list'))
            }
            $script:Result = Receive-LabHostCommand $migration
            $script:Seconds = $watch.Elapsed.TotalSeconds
            & /usr/bin/python3 $LabScript shape --dir $Lab.dir --rate none | Out-Null
            $script:OnA, $script:OnB = (Get-DomainName dom0-a), (Get-DomainName dom0-b)
            $script:ListB = Invoke-LabHost $Lab dom0-b @('xm', 'list', 'com-xp1')
            $script:LongB = (Invoke-LabHost $Lab dom0-b @('xm', 'list', '--long', 'com-xp1')) -join "`n"
            $script:FreeAfter = Invoke-LabHost $Lab dom0-b @('xm', 'info') | Where-Object { $_ -like 'free_memory*' }
            $program = 'import hashlib, sys; sys.path.insert(0, sys.argv[1]); from xensim.xmmigrate import image_chunks; ' +
                'd = hashlib.sha256(); [d.update(c) for c in image_chunks(sys.argv[2], 32)]; print(d.hexdigest())'
            $script:Expected = & /usr/bin/python3 -B -S -c $program (Join-Path $PSScriptRoot '../XenLab') $Uuid
        }

        It 'succeeds silently, at the speed of the link (32 MiB at 48 Mbit/s: 5.6 s)' {
            $Result.Output | Should -BeNullOrEmpty
            $Result.ExitCode | Should -Be 0
            $Seconds | Should -BeGreaterThan 5
        }

        It 'lists the guest as migrating-com-xp1 on dom0-b while the image travels' {
            $During -match '^migrating-com-xp1 +\d+ +32 ' | Should -Not -BeNullOrEmpty
        }

        It 'runs com-xp1 on dom0-b only, with the same uuid, and takes its memory there' {
            $OnA | Should -Be @('Domain-0', 'big')
            $OnB | Should -Be @('Domain-0', 'com-xp1')
            $ListB[1] | Should -Match '^com-xp1 +\d+ +32 +1 +-b---- '
            $LongB | Should -Match "\(uuid $Uuid\)"
            $FreeBefore | Should -Match ': 5118$'
            $FreeAfter | Should -Match ': 5086$'
        }

        It "received exactly the image dom0-a sent: the SHA-256 of com-xp1's 32 MiB" {
            Get-Sha256 dom0-b | Should -Be $Expected
            Get-Sha256 dom0-a | Should -Be $Expected
        }
    }
}
