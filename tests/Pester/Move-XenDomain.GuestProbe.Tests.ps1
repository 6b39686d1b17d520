# Move-XenDomain -GuestProbe: the guest's own view of a migration. The lab's tiny has a service on 3389 at an address of
# its own; it stops answering while xl suspends tiny for the last part of the transfer, and answers from the destination
# after it. Each host records when it took the address away and gave it back (guest-events.log), and the downtime
# Move-XenDomain measures must lie within the probe's own resolution of the pause those records bound.
BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'

    function Start-GuestLab([string] $Name) {
        $lab = Start-TestLab -Name $Name -LabProfile migrate-xl-guest
        & /usr/bin/python3 $LabScript shape --dir $lab.dir --rate 48mbit | Out-Null
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $lab.ssh_config | Out-Null
        $lab
    }

    function Stop-GuestLab($Lab) {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    function Get-GuestEvent($Lab, [string] $HostName, [string] $Event) {
        <# The last record of Event (paused, answers, gone) on the host: Before and After, wall-clock seconds. #>
        $line = Invoke-LabHost $Lab $HostName @('cat', '/var/lib/xen/xenlab/guest-events.log') | Where-Object { ($_ -split ' ')[2] -eq $Event } | Select-Object -Last 1
        $words = $line -split ' '
        [pscustomobject]@{ Before = [double]$words[0]; After = [double]$words[1] }
    }

    function Get-LabPause($Lab, [string] $Source, [string] $Destination) {
        <# The guest's pause as the lab recorded it, bounded: from the source taking the address away to the destination giving it. #>
        $paused = Get-GuestEvent $Lab $Source paused
        $answers = Get-GuestEvent $Lab $Destination answers
        [pscustomobject]@{ Shortest = $answers.Before - $paused.After; Longest = $answers.After - $paused.Before }
    }

    function Assert-DowntimeMatchesPause($Result, $Pause) {
        $resolution = $Result.GuestDowntimeResolution.TotalSeconds
        $resolution | Should -BeGreaterThan 0
        $Result.GuestDowntime.TotalSeconds | Should -BeGreaterOrEqual ($Pause.Shortest - $resolution)
        $Result.GuestDowntime.TotalSeconds | Should -BeLessOrEqual ($Pause.Longest + $resolution)
    }
}

Describe 'Move-XenDomain -GuestProbe' {
    Context 'from this computer' {
        BeforeAll { $script:Lab = Start-GuestLab pgpcli }
        AfterAll { Stop-GuestLab $Lab }

        It 'measures the guest''s downtime, matching the lab''s pause within the probe''s resolution, and sees it answer after' {
            $guest = $Lab.guests | Where-Object name -EQ tiny
            $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -GuestProbe "$($guest.address):$($guest.port)" -Confirm:$false

            $result.Status | Should -Be 'Succeeded'
            $result.GuestProbe | Should -Be "$($guest.address):3389 from this computer"
            $result.GuestAnswersAfter | Should -BeTrue
            $pause = Get-LabPause $Lab xl-a xl-b
            $pause.Shortest | Should -BeGreaterThan 0
            Write-Host "guest downtime $($result.GuestDowntime.TotalSeconds) s (resolution $($result.GuestDowntimeResolution.TotalSeconds) s); lab pause $($pause.Shortest)..$($pause.Longest) s"
            Assert-DowntimeMatchesPause $result $pause
            $result.Error | Should -BeNullOrEmpty
        }
    }

    Context 'from a dom0' {
        BeforeAll { $script:Lab = Start-GuestLab pgpdom }
        AfterAll { Stop-GuestLab $Lab }

        It 'runs the probe loop on the source, by the guest''s name there, and measures the same pause' {
            $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -GuestProbe 'tiny:3389' -GuestProbeFrom Source -Confirm:$false

            $result.Status | Should -Be 'Succeeded'
            $result.GuestProbe | Should -Be 'tiny:3389 from xl-a'
            $result.GuestAnswersAfter | Should -BeTrue
            $pause = Get-LabPause $Lab xl-a xl-b
            Write-Host "guest downtime from xl-a $($result.GuestDowntime.TotalSeconds) s (resolution $($result.GuestDowntimeResolution.TotalSeconds) s); lab pause $($pause.Shortest)..$($pause.Longest) s"
            Assert-DowntimeMatchesPause $result $pause
            Invoke-LabHost $Lab xl-a @('sh', '-c', 'ls /tmp | grep -c xenps-guest-probe || true') | Should -Be '0'
        }

        It 'does not start the migration when the guest does not answer, and says what to do' {
            $from = if (Get-XenDomain -ComputerName xl-a -Name tiny -ErrorAction SilentlyContinue) { 'xl-a' } else { 'xl-b' }
            $to = if ($from -eq 'xl-a') { 'xl-b' } else { 'xl-a' }
            $guest = $Lab.guests | Where-Object name -EQ tiny
            $result = Move-XenDomain -Name tiny -ComputerName $from -Destination $to -GuestProbe "$($guest.address):3390" -GuestProbeFrom Destination -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'GuestProbeNoAnswer,*'
            $failures[0].Exception.Message | Should -BeLike "*$($guest.address):3390 from $to*was not migrated*-SkipGuestProbeCheck*"
            (Get-XenDomain -ComputerName $from -Name tiny).Name | Should -Be 'tiny'
        }
    }

    Context 'a guest that does not come back' {
        BeforeAll { $script:Lab = Start-GuestLab pgpgone }
        AfterAll { Stop-GuestLab $Lab }

        It 'reports that the guest does not answer after the migration, in the result and its message' {
            # The service does not come up on the destination: its listener there is gone.
            Invoke-LabHost $Lab xl-b @('sh', '-c', 'kill $(cat /run/xenlab/guest-service.pid)') | Out-Null
            $guest = $Lab.guests | Where-Object name -EQ tiny
            $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -GuestProbe "$($guest.address):3389" -GuestProbeWait 3 -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

            $result.Status | Should -Be 'Succeeded'
            $result.GuestAnswersAfter | Should -BeFalse
            $result.GuestDowntime.TotalSeconds | Should -BeGreaterOrEqual 3
            $result.Error | Should -BeLike "The guest did not answer the guest probe $($guest.address):3389 from this computer after the migration: it had not answered for * s when the probe gave up, 3 s after the migration ended. Check the guest's console and its network on xl-b."
            $warnings[0].Message | Should -BeLike 'tiny: The guest did not answer*'
        }
    }

    Context 'its parameter' {
        It 'refuses <Probe> before connecting anywhere, saying what to write' -ForEach @(
            @{ Probe = 'com-xp1' }
            @{ Probe = 'com-xp1:99999' }
            @{ Probe = '$(reboot):3389' }
            @{ Probe = 'a b:3389' }
        ) {
            { Move-XenDomain -Name tiny -ComputerName nowhere.invalid -Destination nowhere.invalid -GuestProbe $Probe -Confirm:$false } |
                Should -Throw -ErrorId 'InvalidGuestProbe,XenPS.Commands.MoveXenDomainCommand' -ExpectedMessage "*e.g. 'com-xp1:3389'*"
        }

        It 'watches one guest only' {
            { Move-XenDomain -Name tiny, mini -ComputerName nowhere.invalid -Destination nowhere.invalid -GuestProbe 'tiny:3389' -Confirm:$false } |
                Should -Throw -ErrorId 'GuestProbeNeedsOneDomain,XenPS.Commands.MoveXenDomainCommand'
        }
    }
}
