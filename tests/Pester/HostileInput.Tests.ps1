BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    # What a shell running any of these values would create; tests/XenPS.Tests/HostileInput/HostileInputCorpus.cs holds the same values.
    $script:Canary = '/tmp/xenps-canary'
    $script:Corpus = [ordered]@{
        'semicolon'                           = "xl-b;touch $Canary"
        'command substitution'                = "`$(touch $Canary)xl-b"
        'command substitution without spaces' = "`$(touch`${IFS}$Canary)xl-b"
        'backquotes'                          = "``touch $Canary``xl-b"
        'single quote'                        = "xl-b'; touch $Canary; '"
        'double quote'                        = "xl-b`"; touch $Canary; `""
        'pipe and ampersand'                  = "xl-b|touch $Canary&"
        'redirection'                         = "xl-b>$Canary"
        'newline'                             = "xl-b`ntouch $Canary"
        'carriage return'                     = "xl-b`rtouch $Canary"
        'tab'                                 = "xl-b`ttouch"
        'NUL'                                 = "xl-b`0touch $Canary"
        'leading dash'                        = "-oProxyCommand=touch $Canary"
        'leading dash without spaces'         = "-oProxyCommand=touch`${IFS}$Canary"
        'glob'                                = 'xl-*'
        '4 KB'                                = ('a' * 4096) + ";touch $Canary"
        '4 KB of letters'                     = 'a' * 4096
        '1 MB'                                = 'b' * 1MB
        'unicode letter'                      = "xl-b$([char]0xe9)"
        'fullwidth look-alike'                = "$([char]0xff58)$([char]0xff4c)-$([char]0xff42)"
        'right-to-left override'              = "xl-b$([char]0x202e)"
        'non-ASCII digits'                    = "$([char]0x661)$([char]0x662)"
        'ANSI escapes'                        = "$([char]27)]0;pwned$([char]7)$([char]27)[2Jxl-b"
        'C1 CSI'                              = "$([char]0x9b)2Jxl-b"
        'empty'                               = ''
        'space'                               = ' '
    }

    function Get-GuestHost($Lab, [string] $Uuid, [string[]] $HostName) {
        <# The hosts whose toolstack state holds a domain with that UUID, read inside the lab. #>
        foreach ($name in $HostName) {
            $state = (Invoke-LabHost $Lab $name @('cat', '/var/lib/xen/xenlab/state.json')) -join "`n" | ConvertFrom-Json
            if ($state.domains | Where-Object uuid -EQ $Uuid) { $name }
        }
    }

    function Assert-NoCanary($Lab) {
        foreach ($name in $Lab.hosts.name) {
            Invoke-LabHost $Lab $name @('sh', '-c', "ls -d $Canary* 2>/dev/null; true") | Should -BeNullOrEmpty -Because "no shell on $name may have run a value"
        }
        Test-Path "$Canary*" | Should -BeFalse -Because 'no shell on this machine may have run a value'
    }

    function Assert-ClearError($ErrorRecord, [string[]] $Id, [string] $Case = '') {
        <# The error has one of the identifiers, says what to do in a bounded message, and shows no control character raw. #>
        $ErrorRecord | Should -Not -BeNullOrEmpty
        ($Id | Where-Object { $ErrorRecord.FullyQualifiedErrorId -like "$_,*" -or $ErrorRecord.FullyQualifiedErrorId -eq $_ }) | Should -Not -BeNullOrEmpty -Because "$Case gave $($ErrorRecord.FullyQualifiedErrorId): $($ErrorRecord.Exception.Message)"
        $ErrorRecord.Exception.Message.Length | Should -BeLessThan 2000
        $ErrorRecord.Exception.Message | Should -Not -Match '[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]'
    }

    function Invoke-Refused([scriptblock] $Call) {
        <# Runs the call; returns its errors, terminating or not, and its output. #>
        $ErrorActionPreference = 'Continue'
        $errors = [System.Collections.Generic.List[object]]::new()
        $output = [System.Collections.Generic.List[object]]::new()
        try {
            & $Call 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $output.Add($_) } }
        }
        catch {
            $errors.Add($_)
        }
        [pscustomobject]@{ Errors = $errors.ToArray(); Output = $output.ToArray() }
    }

    function Assert-ClearReport($Report) {
        <# A readiness report that is not ready, with the reason in a bounded failed check that shows no control character raw. #>
        $Report.IsReady | Should -BeFalse
        $detail = ($Report.Checks | Where-Object Status -EQ Fail | Select-Object -First 1).Detail
        $detail | Should -Not -BeNullOrEmpty
        $detail.Length | Should -BeLessThan 2000
        $detail | Should -Not -Match '[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]'
        $detail
    }
}

Describe 'Hostile input' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name phostile -LabProfile names
        Connect-TestLab $Lab
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }
    AfterEach {
        Assert-NoCanary $Lab
    }

    Context 'Guests whose names a toolstack could misread' {
        It 'Get-XenDomain, Test-XenMigrationReadiness and Move-XenDomain pick <Guest> on <Source>, not <Other>' -ForEach @(
            @{ Guest = '1'; Id = 5; Source = 'xl-a'; Destination = 'xl-b'; Other = 'tiny'; Skip = $false }
            @{ Guest = '-x'; Id = 6; Source = 'xl-a'; Destination = 'xl-b'; Other = 'tiny'; Skip = $true }
            @{ Guest = '--help'; Id = 7; Source = 'xl-a'; Destination = 'xl-b'; Other = 'tiny'; Skip = $false }
            @{ Guest = "`$(touch /tmp/xenps-canary);'`"``touch /tmp/xenps-canary``"; Id = 8; Source = 'xl-a'; Destination = 'xl-b'; Other = 'tiny'; Skip = $true }
            @{ Guest = '1'; Id = 5; Source = 'dom0-a'; Destination = 'dom0-b'; Other = 'com-xp1'; Skip = $true }
            @{ Guest = '-x'; Id = 6; Source = 'dom0-a'; Destination = 'dom0-b'; Other = 'com-xp1'; Skip = $false }
            @{ Guest = '--help'; Id = 7; Source = 'dom0-a'; Destination = 'dom0-b'; Other = 'com-xp1'; Skip = $false }
        ) {
            $domain = Get-XenDomain -ComputerName $Source -Name ([WildcardPattern]::Escape($Guest))
            $domain.Name | Should -BeExactly $Guest
            $domain.Id | Should -Be $Id
            $other = Get-XenDomain -ComputerName $Source -Name $Other

            $report = Test-XenMigrationReadiness -Name $Guest -ComputerName $Source -Destination $Destination
            $report.Domain | Should -BeExactly $Guest
            $report.IsReady | Should -BeTrue -Because ($report.Checks | Where-Object Status -NE Pass | Out-String)
            $memory = ($report.Checks | Where-Object Id -EQ Memory).Detail
            $memory.StartsWith("$Guest needs ") | Should -BeTrue -Because $memory
            $memory | Should -Match ': 16 MiB of memory'

            $result = Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Destination -SkipReadinessCheck:$Skip -Confirm:$false -ErrorAction Stop
            $result.Status | Should -Be 'Succeeded'
            $result.Domain | Should -BeExactly $Guest
            $result.VerifiedOnDestination | Should -BeTrue
            Get-GuestHost $Lab $domain.Uuid $Source, $Destination | Should -Be $Destination
            Get-GuestHost $Lab $other.Uuid $Source, $Destination | Should -Be $Source
        }
    }

    Context 'Completion of names a guest owner chose' {
        It 'completes <Word> for -Name of <Command> with literals that stand for exactly the names' -ForEach @(
            @{ Command = 'Move-XenDomain'; Word = "'--"; Names = , '--help'; Texts = , "'--help'" }
            @{ Command = 'Move-XenDomain'; Word = "'-x"; Names = , '-x'; Texts = , "'-x'" }
            @{ Command = 'Move-XenDomain'; Word = 'web['; Names = , 'web[1]'; Texts = , "'web[1]'" }
            @{ Command = 'Get-XenDomain'; Word = 'web['; Names = , 'web`[1`]'; Texts = , "'web``[1``]'" }
            @{ Command = 'Move-XenDomain'; Word = "'`$("; Names = , "`$(touch /tmp/xenps-canary);'`"``touch /tmp/xenps-canary``"; Texts = , "'`$(touch /tmp/xenps-canary);''`"``touch /tmp/xenps-canary``'" }
        ) {
            $line = "$Command -Name $Word"
            $completed = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)

            $completed | Should -BeExactly $Texts
            for ($i = 0; $i -lt $completed.Count; $i++) {
                [scriptblock]::Create($completed[$i]).Invoke()[0] | Should -BeExactly $Names[$i]
            }
            Test-Path /tmp/xenps-canary | Should -BeFalse
        }
    }

    Context 'Values that reach a host' {
        It 'refuses every value of the corpus for -<Parameter> of <Command> with a clear error' -ForEach @(
            foreach ($command in 'Move-XenDomain', 'Test-XenMigrationReadiness') {
                @{ Command = $command; Parameter = 'MigrationTarget'; Id = 'ParameterArgumentValidationError' }
                @{ Command = $command; Parameter = 'SshCommand'; Id = 'ParameterArgumentValidationError' }
                @{ Command = $command; Parameter = 'ComputerName'; Id = 'HostNameInvalid', 'ParameterArgumentValidationError' }
                @{ Command = $command; Parameter = 'Destination'; Id = 'HostNameInvalid', 'ParameterArgumentValidationError' }
            }
        ) {
            foreach ($case in $Corpus.GetEnumerator()) {
                $arguments = @{ Name = 'tiny'; ComputerName = 'xl-a'; Destination = 'xl-b' }
                $arguments[$Parameter] = $case.Value
                if ($Command -eq 'Move-XenDomain') { $arguments.Confirm = $false }
                $outcome = Invoke-Refused { & $Command @arguments }
                if ($outcome.Errors) { Assert-ClearError $outcome.Errors[0] (@($Id) + 'ParameterArgumentValidationErrorEmptyStringNotAllowed') $case.Key }
                else { Assert-ClearReport $outcome.Output[0] | Should -BeLike '*is not connected to: the host name*' -Because $case.Key }
            }
            Get-GuestHost $Lab (Get-XenDomain -ComputerName xl-a -Name tiny).Uuid xl-a, xl-b | Should -Be 'xl-a'
        }

        It 'refuses every one-line value of the corpus as the HostName of an ssh_config entry, before connecting' {
            $config = Get-Content -Raw $Lab.ssh_config
            foreach ($case in $Corpus.GetEnumerator() | Where-Object { $_.Value.Trim() -and $_.Value -notmatch "[`n`r`0]" }) {
                $path = Join-Path $Lab.dir 'hostile_ssh_config'
                Set-Content -LiteralPath $path -Value ($config + "`nHost evil`n  HostName `"$($case.Value.Replace('"', ''))`"`n") -NoNewline
                $outcome = Invoke-Refused { New-XenSession -ComputerName evil -SshConfigPath $path }
                Assert-ClearError $outcome.Errors[0] 'HostNameInvalid', 'SshConfigInvalid'
            }
        }

        It 'refuses the host name of the issue, $(touch${IFS}/tmp/PWNED)xl-b, with -SkipReadinessCheck too' {
            $path = Join-Path $Lab.dir 'pwned_ssh_config'
            Set-Content -LiteralPath $path -Value ((Get-Content -Raw $Lab.ssh_config) + "`nHost evil-b`n  HostName `$(touch`${IFS}$Canary)xl-b`n") -NoNewline
            $outcome = Invoke-Refused { New-XenSession -ComputerName evil-b -SshConfigPath $path }
            Assert-ClearError $outcome.Errors[0] 'HostNameInvalid'
            $outcome.Errors[0].Exception.Message | Should -BeLike "*Correct the HostName for it in $path*"
            $outcome = Invoke-Refused { Move-XenDomain -Name tiny -ComputerName xl-a -Destination evil-b -SkipReadinessCheck -Confirm:$false }
            $outcome.Errors | Should -Not -BeNullOrEmpty
            $outcome.Output | Should -BeNullOrEmpty
            Get-GuestHost $Lab (Get-XenDomain -ComputerName xl-a -Name tiny).Uuid xl-a, xl-b | Should -Be 'xl-a'
        }

        It 'reports every value of the corpus given as a domain name as not found, and moves nothing' {
            $names = @($Corpus.Values | Where-Object { $_ -ne '' })
            $reports = Test-XenMigrationReadiness -Name $names -ComputerName xl-a -Destination xl-b
            $reports.Count | Should -Be $names.Count
            foreach ($report in $reports) {
                Assert-ClearReport $report | Should -BeLike 'no domain named * on xl-a*'
            }
            $failures = (Invoke-Refused { Move-XenDomain -Name $names -ComputerName xl-a -Destination xl-b -Confirm:$false }).Errors
            $failures.Count | Should -Be $names.Count
            $failures | ForEach-Object { Assert-ClearError $_ 'DomainNotFound' }
            $skipped = @($Corpus['semicolon'], $Corpus['newline'], $Corpus['1 MB'], $Corpus['ANSI escapes'])
            $failures = (Invoke-Refused { Move-XenDomain -Name $skipped -ComputerName xl-a -Destination xl-b -SkipReadinessCheck -Confirm:$false }).Errors
            $failures.Count | Should -Be $skipped.Count
            $failures | ForEach-Object { Assert-ClearError $_ 'DomainNotFound' }
        }

        It 'Get-XenDomain reports every value of the corpus given as a name clearly' {
            $names = @($Corpus.Values | Where-Object { $_ -ne '' } | ForEach-Object { [WildcardPattern]::Escape($_) })
            $failures = (Invoke-Refused { Get-XenDomain -ComputerName xl-a -Name $names }).Errors
            $failures.Count | Should -Be $names.Count
            $failures | ForEach-Object { Assert-ClearError $_ 'DomainNotFound' }
        }
    }
}
