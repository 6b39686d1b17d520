# The lab's `xl migrate` (tests/XenLab/xensim/xlmigrate.py): the source runs `ssh HOST xl migrate-receive` with
# root's own key, streams the guest's memory image through it and completes xl's handshake; the messages are the
# ones of tests/reference/xl-migrate.xen-4.4-snow-success.txt and xl_migrate.c. Two labs: migrate-xl (xl-a trusts
# xl-b and xl-c; xl-c is short of memory) and migrate-xl-no-trust (xl-a's root cannot reach xl-b).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:XenLab = Join-Path $PSScriptRoot '../XenLab'
    $script:Reference = (Resolve-Path (Join-Path $PSScriptRoot '..' 'reference')).Path
    $script:Lab = Start-TestLab -Name xlmig -LabProfile migrate-xl
    $script:NoTrustLab = Start-TestLab -Name xlmignt -LabProfile migrate-xl-no-trust

    function Invoke-HostCommand($TargetLab, [string] $HostName, [string[]] $Command) {
        <# Runs a command inside a lab host; returns its exit code, stdout lines and stderr lines (ssh ends its own
           messages with CR LF). #>
        $result = Invoke-LabHostCommand $TargetLab $HostName $Command
        [pscustomobject]@{
            ExitCode = $result.ExitCode
            Output   = @($result.Stdout -split "\r?\n" | Where-Object { $_ })
            Errors   = @($result.Stderr -split "\r?\n" | Where-Object { $_ })
        }
    }

    function Get-DomainName($TargetLab, [string] $HostName) {
        (Invoke-LabHost $TargetLab $HostName @('xl', 'list') | Select-Object -Skip 1) | ForEach-Object { ($_ -split '\s+')[0] }
    }

    function Get-FreeMemory($TargetLab, [string] $HostName) {
        [int](Invoke-LabHost $TargetLab $HostName @('xl', 'info', 'free_memory'))
    }

    function Get-HandshakeLine([string[]] $Line) {
        <# The lines of xl's handshake: what xl_migrate.c prints itself. #>
        $Line | Where-Object { $_ -match '^(migration (target|sender): |Migration )' }
    }
}

AfterAll {
    foreach ($started in @($script:Lab, $script:NoTrustLab)) { if ($started) { Stop-TestLab $started } }
}

Describe 'xl migrate in XenLab' {
    Context 'xl-a to xl-b through root ssh' {
        BeforeAll {
            $script:FreeBefore = @{ a = Get-FreeMemory $Lab 'xl-a'; b = Get-FreeMemory $Lab 'xl-b' }
            $script:Result = Invoke-HostCommand $Lab 'xl-a' @('xl', 'migrate', 'tiny', 'xl-b')
        }

        It 'succeeds' {
            $Result.ExitCode | Should -Be 0 -Because ($Result.Errors -join "`n")
            $Result.Output | Should -BeNullOrEmpty
            $Result.Errors[-1] | Should -Be 'Migration successful.'
        }

        It 'prints the handshake of the captured xl migrate, in its order' {
            $capture = Get-Content (Join-Path $Reference 'xl-migrate.xen-4.4-snow-success.txt')
            Get-HandshakeLine $Result.Errors | Should -Be (Get-HandshakeLine $capture)
        }

        It 'prints the save stream lines of Xen 4.17 and libxc progress lines' {
            $Result.Errors[1] | Should -Match '^Saving to migration stream new xl format \(info 0x3/0x0/\d+\)$'
            $Result.Errors[2] | Should -Be ($Result.Errors[1] -replace '^Saving to migration stream new xl format \(info', 'Loading new save file <incoming migration stream> (new xl fmt info')
            $Result.Errors[3..4] | Should -Be @(' Savefile contains xl domain config in JSON format', 'Parsing config from <saved>')
            $progress = @($Result.Errors | Where-Object { $_ -like 'xc: progress: *' })
            $progress.Count | Should -Be 20
            $progress | Should -Match '^xc: progress: Reloading memory pages: \d+/8192 +\d+%$'
            $progress[-1] | Should -Be 'xc: progress: Reloading memory pages: 8192/8192  100%'
        }

        It 'leaves the domain running on xl-b only' {
            Get-DomainName $Lab 'xl-a' | Should -Not -Contain 'tiny'
            $row = Invoke-LabHost $Lab 'xl-b' @('xl', 'list', 'tiny') | Select-Object -Last 1
            $row | Should -Match '^tiny\s+\d+\s+32\s+1\s+-b----'
        }

        It 'moves 32 MB of free memory from xl-b to xl-a' {
            Get-FreeMemory $Lab 'xl-a' | Should -Be ($FreeBefore.a + 32)
            Get-FreeMemory $Lab 'xl-b' | Should -Be ($FreeBefore.b - 32)
        }

        It 'delivers the memory image intact' {
            $uuid = ((Invoke-LabHost $Lab 'xl-b' @('xl', 'list', '-l', 'tiny')) -join "`n" | ConvertFrom-Json)[0].config.c_info.uuid
            $expected = & /usr/bin/python3 -S -c "import sys; sys.path.insert(0, sys.argv[1]); from xensim import xlmigrate; print(xlmigrate.image_sha256(sys.argv[2], 32))" $XenLab $uuid
            Invoke-LabHost $Lab 'xl-b' @('cat', '/var/lib/xen/xenlab/images/tiny.sha256') | Should -Be $expected
        }
    }

    Context 'a destination short of memory' {
        BeforeAll {
            $script:Result = Invoke-HostCommand $Lab 'xl-a' @('xl', 'migrate', 'mini', 'xl-c')
        }

        It 'fails at the target and resumes at the sender' {
            $Result.ExitCode | Should -Be 1
            $Result.Errors | Should -Contain 'failed to free memory for the domain'
            $Result.Errors | Should -Contain 'migration target: Domain creation failed (code -3).'
            $Result.Errors | Should -Contain 'migration sender: libxl_domain_suspend failed (rc=-3)'
            $Result.Errors[-4] | Should -Match '^libxl: info: libxl_exec\.c:117:libxl_report_child_exitstatus: migration transport process \[\d+\] exited with error status 1$'
            $Result.Errors[-3] | Should -Be 'Migration failed, resuming at sender.'
            $Result.Errors[-2..-1] | Should -Match '^(xc: error: Dom \d+ not suspended: \(shutdown 0, reason 255\): Internal error|libxl: error: libxl_dom_suspend\.c:666:domain_resume_done: Domain \d+:xc_domain_resume failed: Invalid argument)$'
        }

        It 'keeps the domain on xl-a and nothing of it on xl-c' {
            Get-DomainName $Lab 'xl-a' | Should -Contain 'mini'
            Get-DomainName $Lab 'xl-c' | Should -Be @('Domain-0', 'big')
            Get-FreeMemory $Lab 'xl-c' | Should -Be 21
        }
    }

    Context 'without root SSH trust from xl-a to xl-b' {
        BeforeAll {
            $script:Result = Invoke-HostCommand $NoTrustLab 'xl-a' @('xl', 'migrate', 'tiny', 'xl-b')
        }

        It "fails with ssh's and xl's messages" {
            $Result.ExitCode | Should -Be 1
            $Result.Errors[0] | Should -Be 'Host key verification failed.'
            $Result.Errors[1] | Should -Match '^libxl: error: libxl_utils\.c:\d+:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream$'
            $Result.Errors[2] | Should -Match '^libxl: info: libxl_exec\.c:117:libxl_report_child_exitstatus: migration transport process \[\d+\] exited with error status 255$'
            $Result.Errors.Count | Should -Be 3
        }

        It 'keeps the domain on xl-a' {
            Get-DomainName $NoTrustLab 'xl-a' | Should -Contain 'tiny'
            Get-DomainName $NoTrustLab 'xl-b' | Should -Not -Contain 'tiny'
        }
    }

    It 'names an unknown domain as xl does' {
        $result = Invoke-HostCommand $Lab 'xl-a' @('xl', 'migrate', 'nosuch', 'xl-b')
        $result.ExitCode | Should -Be 1
        $result.Errors | Should -Be @('nosuch is an invalid domain identifier (rc=-6)')
    }
}
