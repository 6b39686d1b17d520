<#
.SYNOPSIS
    Runs every example of the help pages listed below against the help-examples lab and compares what it shows.
.DESCRIPTION
    An example is the ```powershell block under '### Example N: ...'. Its command lines start with 'PS /> '; the
    lines after one belong to the command while it is incomplete (a trailing '|', backtick or open brace) or while they
    are indented; every other line up to the next command is the output the command shows.

    Each page runs in a PowerShell process of its own (HelpExampleRunner.ps1), and so does each example that shows
    what a PowerShell just opened shows ($OwnPowerShell), in a world a user of the site would have: HOME is a folder
    whose ~/.ssh/config is the lab's ssh_config, so 'dom0-a' means the lab's dom0-a (the examples of New-XenSession
    write the ~/.ssh/config they show); 'ssh' is OpenSSH reading that folder's ~/.ssh/config; sessions are opened by
    the examples themselves. Pages run in the order listed, so a page that changes the hosts comes after the pages
    that read them; a page setup and an example setup give a page or an example the state it describes.

    Output is compared as the console shows it (Out-String -Width 120), after these rules, on both sides:
      1. trailing spaces of each line are dropped, and so are the blank lines before and after a command's output;
      2. a host key fingerprint (SHA256: and 43 base64 characters), new with every lab, reads SHA256:<fingerprint>;
      3. the UTC time in the name of a backup of xend-config.sxp (.xenps-YYYYMMDD-HHMMSS.bak, and -N before .bak for the
         Nth backup within one second) reads .xenps-<time>.bak;
      4. what a bandwidth measurement found: in the Bandwidth check's detail the seconds and the rate ('in 0.87 s: 295.2
         MiB/s') read 'in <seconds> s: <rate> MiB/s' and the estimate ('take about 3 s to send') 'take about <seconds> s
         to send'; the EstimatedDuration of a Format-List reads <duration>;
      5. the times of a migration: a StartTime at the start of a table row (yyyy-MM-dd HH:mm:ss) reads <time>, and so
         does the value of a StartTime line of a list; seconds at the end of a table row ('   1.6 s', the history's
         Duration) read ' <seconds> s';
      6. the process id in a line of libxl ('helper [21270]', 'process [21270]') reads [<pid>];
      7. a row of the MigrationResult view: after its Status, the Duration and the MB/s ('Succeeded    0.3 s  101.6
         Destination') read 'Succeeded <seconds> s <rate> Destination';
      8. the guest's downtime: the value of a GuestDowntime or GuestDowntimeResolution line of a list reads <duration>;
      9. a journal's line of a migration whose PowerShell ended: the process id and the computer name ('process 4711 on
         ADMIN-PC, which started it') read 'process <pid> on <computer>, which started it';
     10. a state file of -SaveTo: the UTC time and the random part of its name ('tiny-20261207-151910-785de15d.xenps-save')
         read 'tiny-<time>-<id>.xenps-save', and how long a guest was stopped ('stopped for about 2 s') 'stopped for
         about <seconds> s'.
     11. xl's stream header: the length of the domain's configuration in it, which grows by a digit with the domid
         ('new xl format (info 0x3/0x0/1090)'), reads 'new xl format (info 0x3/0x0/<length>)'.
#>
BeforeDiscovery {
    $pageNames = 'Get-XenDomain', 'Get-XenHost', 'Get-XenSession', 'Get-XendRelocation', 'Remove-XenSession', 'Test-XenMigrationReadiness', 'Set-XendRelocation',
        'Get-XenMigrationHistory', 'Start-XenLab', 'Stop-XenLab', 'New-XenSession', 'Move-XenDomain'
    # Examples that are not run, with the reason.
    $script:NotRun = @{
        'Remove-XenSession/Example 3' = 'PowerShell prompts for the password of xenadmin'
        'Start-XenLab/Example 2'      = 'a Pester file, not commands typed at a prompt: Start-XenLab.Tests.ps1 runs it with Invoke-Pester'
        'Get-XenMigrationHistory/Example 4' = "copies a file from a Windows share of another workstation"
        'New-XenSession/Example 3'    = 'PowerShell prompts for the passphrase of the key'
        'New-XenSession/Example 4'    = 'PowerShell prompts for the password of root'
        'New-XenSession/Example 5'    = "runs the repository's build script, in a clone of its sources"
    }

    function Split-HelpExample([string] $Text) {
        # The commands of one example with the output each shows.
        $commands = [System.Collections.Generic.List[object]]::new()
        $lines = $Text -split '\r?\n'
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if (-not $lines[$i].StartsWith('PS /> ')) {
                if ($commands.Count -eq 0) { throw "Output before the first command: '$($lines[$i])'" }
                $commands[-1].Expected.Add($lines[$i])
                continue
            }
            $command = $lines[$i].Substring(6)
            while ($i + 1 -lt $lines.Count -and -not $lines[$i + 1].StartsWith('PS /> ') -and
                ($lines[$i + 1] -match '^(>>|\s+\S)' -or (Test-IncompleteCommand $command))) {
                # '>> ' is the console's prompt for the next line of an incomplete command, not part of it.
                $command += "`n" + ($lines[++$i] -replace '^>> ?')
            }
            $commands.Add([pscustomobject]@{ Command = $command; Expected = [System.Collections.Generic.List[string]]::new() })
        }
        $commands | Where-Object Command | ForEach-Object { @{ Command = $_.Command; Expected = $_.Expected -join "`n" } }
    }

    function Test-IncompleteCommand([string] $Command) {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput($Command, [ref] $null, [ref] $errors) | Out-Null
        [bool]($errors | Where-Object IncompleteInput)
    }

    $script:Pages = foreach ($page in $pageNames) {
        $markdown = Get-Content -Raw (Join-Path $PSScriptRoot "../../docs/en-US/$page.md")
        $examples = [regex]::Matches($markdown, '(?ms)^### (Example \d+: [^\n]*)\n```powershell\n(.*?)\n```') | ForEach-Object {
            $title = $_.Groups[1].Value
            @{ Page = $page; Title = $title; Commands = @(if (-not $NotRun.ContainsKey("$page/$(($title -split ':')[0])")) { Split-HelpExample $_.Groups[2].Value }) }
        }
        @{ Page = $page; Examples = @($examples | Where-Object { -not $NotRun.ContainsKey("$page/$(($_.Title -split ':')[0])") }); All = @($examples) }
    }
    $script:Listed = @($Pages.All | ForEach-Object { "$($_.Page)/$(($_.Title -split ':')[0])" })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    function New-UserHome($Lab, [string[]] $SshConfig = @()) {
        <# The user's folder in the lab's folder: ~/.ssh/config is the lab's ssh_config and then SshConfig. #>
        $userHome = Join-Path $Lab.dir 'home'
        New-Item -ItemType Directory -Path (Join-Path $userHome '.ssh') | Out-Null
        Set-Content -LiteralPath (Join-Path $userHome '.ssh/config') -Value (@(Get-Content -Raw $Lab.ssh_config) + $SshConfig)
        # OpenSSH reads ~/.ssh/config from the home folder of the user's passwd entry, not from HOME: this ssh, first in
        # the examples' PATH, gives the user whose home is this folder the ssh that reads that user's files.
        $bin = Join-Path $userHome 'bin'
        New-Item -ItemType Directory -Path $bin | Out-Null
        Set-Content -LiteralPath (Join-Path $bin 'ssh') -Value '#!/bin/sh', 'exec /usr/bin/ssh -F "$HOME/.ssh/config" "$@"'
        chmod +x (Join-Path $bin 'ssh')
        $userHome
    }
    $script:Lab = Start-TestLab -Name hlpex -LabProfile help-examples
    # dom0-c is a dom0 whose sshd is down: nothing listens where the user's ssh_config sends it.
    $script:UserHome = New-UserHome $Lab 'Host dom0-c', '    HostName 127.0.0.1', '    Port 9', "    IdentityFile $($Lab.keys.id_ed25519)"
    $script:Runner = Join-Path $PSScriptRoot 'HelpExampleRunner.ps1'
    # The xend-config.sxp each xm host started with, for the pages that find a host as the lab started it.
    foreach ($name in 'dom0-a', 'dom0-b') {
        Invoke-LabHost $Lab $name 'cp', '-p', '/etc/xen/xend-config.sxp', '/root/xend-config.sxp.original' | Out-Null
    }
    function Reset-XendConfig([string] $HostName) {
        Invoke-LabHost $Lab $HostName 'sh', '-c', 'cp -p /root/xend-config.sxp.original /etc/xen/xend-config.sxp && rm -f /etc/xen/*.xenps-*.bak && xend restart' | Out-Null
    }

    # The pages that run against a lab of their own, started only for them: the site of the Move-XenDomain examples
    # has hosts and guests of its own, and its migrations change the hosts the other pages show.
    $script:OwnLab = @{ 'Move-XenDomain' = @{ Name = 'hlpmv'; Profile = 'help-move' } }
    # What a page assumes of the site besides the lab profile.
    $script:PageSetup = @{
        'Get-XenDomain'      = { Set-Content -LiteralPath (Join-Path $UserHome 'guests.csv') -Value 'Name,ComputerName', 'com-xp1,dom0-a', 'mail,dom0-b' }
        'Get-XendRelocation' = { Invoke-LabHost $Lab dom0-d 'sh', '-c', 'rm /etc/xen/xend-config.sxp && xend restart' | Out-Null }
        'Set-XendRelocation' = { Reset-XendConfig dom0-a; Reset-XendConfig dom0-b }
        # The user's own files, as the examples name them: the lab's key under the names they give it, the lab's
        # known_hosts, and a copy of its ssh_config. Each example writes the ~/.ssh/config it shows or assumes.
        'New-XenSession'     = {
            $ssh = Join-Path $UserHome '.ssh'
            foreach ($name in 'id_ed25519', 'xen_ed25519') { Copy-Item -LiteralPath $Lab.keys.id_ed25519 -Destination (Join-Path $ssh $name) }
            Copy-Item -LiteralPath $Lab.known_hosts -Destination (Join-Path $ssh 'known_hosts')
            New-Item -ItemType Directory -Path (Join-Path $UserHome 'lab') | Out-Null
            Copy-Item -LiteralPath $Lab.ssh_config -Destination (Join-Path $UserHome 'lab/ssh_config')
        }
    }
    # The examples that show what a PowerShell just opened shows (session Ids from 1, no session open yet).
    $script:OwnPowerShell = @('New-XenSession/Example 7')
    # What an example assumes of the site, run before it (see HelpExampleRunner.ps1) with $Lab and $UserHome.
    $script:ExampleSetup = @{
        # The lab that Stop-XenLab stops by its folder, started by another PowerShell (this page's runner).
        'Stop-XenLab/Example 2' = { Import-Module $ModulePath; Start-XenLab -Name demo | Out-Null }
        # The migrations the page lists, made from this computer: web01 to xen4 and back, and big to xen4, which lacks
        # the memory for it (the readiness check that would have refused it skipped).
        'Get-XenMigrationHistory/Example 1' = {
            Import-Module $ModulePath
            Move-XenDomain -Name web01 -ComputerName xen3 -Destination xen4 -Confirm:$false | Out-Null
            Move-XenDomain -Name big -ComputerName xen3 -Destination xen4 -SkipReadinessCheck -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
            Move-XenDomain -Name web01 -ComputerName xen4 -Destination xen3 -Confirm:$false | Out-Null
            Get-XenSession | Remove-XenSession
        }
        # The receiver on xen-b dies while tiny's memory travels: the lab's links are slowed so that the copy takes
        # seconds, and a watcher kills xl migrate-receive once xen-b lists tiny--incoming, then lifts the limit again
        # for the retry.
        'Move-XenDomain/Example 7' = {
            Set-LabLinkRate $Lab 32mbit
            Start-ThreadJob -ArgumentList $Lab, (Get-Module TestLab).Path -ScriptBlock {
                param($Lab, $TestLab)
                Import-Module $TestLab
                try {
                    for ($i = 0; $i -lt 600 -and -not ((Invoke-LabHost $Lab xen-b 'xl', 'list') -match '^tiny--incoming\s'); $i++) { Start-Sleep -Milliseconds 100 }
                    Send-LabSignal $Lab xen-b KILL 'xl', 'migrate-receive'
                } finally { Set-LabLinkRate $Lab none }
            } | Out-Null
        }
        # tiny runs on xen-a again, where the example finds it.
        'Move-XenDomain/Example 8' = { Invoke-LabHost $Lab xen-b 'xl', 'migrate', 'tiny', 'xen-a' | Out-Null }
        # A PowerShell killed while its migration ran: web01 moves from xen3 to xen4 over links slowed so that the copy takes
        # seconds, and the PowerShell that started it is killed once the journal has the migration's start line. The
        # migration goes on on xen3, at full speed again, and ends there.
        'Get-XenMigrationHistory/Example 3' = {
            $journal = Join-Path $env:XDG_DATA_HOME 'XenPS/migrations.jsonl'
            $before = @(Get-Content -LiteralPath $journal).Count
            $script = Join-Path $UserHome 'killed-move.ps1'
            Set-Content -LiteralPath $script -Value "Import-Module '$ModulePath'", 'Move-XenDomain -Name web01 -ComputerName xen3 -Destination xen4 -Confirm:$false'
            Set-LabLinkRate $Lab 16mbit
            try {
                $child = Start-ChildPwsh $script
                # Killed once the journal has the start line and xen4 receives web01: killed before xl migrate started,
                # the PowerShell would leave no migration going on, and web01 would never arrive.
                for ($i = 0; $i -lt 600 -and -not (@(Get-Content -LiteralPath $journal).Count -gt $before -and
                        (Invoke-LabHost $Lab xen4 'xl', 'list') -match '^web01--incoming\s'); $i++) { Start-Sleep -Milliseconds 100 }
                $child.Kill()
                $child.WaitForExit()
                if ($i -eq 600) { throw 'The migration of web01 to xen4 never got under way.' }
            } finally { Set-LabLinkRate $Lab none }
            for ($i = 0; $i -lt 300 -and -not ((Invoke-LabHost $Lab xen4 'xl', 'list') -match '^web01\s'); $i++) { Start-Sleep -Milliseconds 100 }
            for ($i = 0; $i -lt 300 -and ((Invoke-LabHost $Lab xen3 'xl', 'list') -match '^web01'); $i++) { Start-Sleep -Milliseconds 100 }
            if ($i -eq 300) { throw 'web01 did not arrive on xen4 alone after its PowerShell was killed.' }
        }
        'New-XenSession/Example 1' = {
            $address = @{}; $Lab.hosts | ForEach-Object { $address[$_.name] = $_.address }
            Set-Content -LiteralPath (Join-Path $UserHome '.ssh/config') -Value 'Host dom0-a dom0-b', '    User root',
                '    IdentityFile ~/.ssh/xen_ed25519', 'Host dom0-a', "    HostName $($address['dom0-a'])", 'Host dom0-b', "    HostName $($address['dom0-b'])"
        }
        # A freshly installed host: a name of its own, and no line of known_hosts for it.
        'New-XenSession/Example 2' = {
            $xen3 = ($Lab.hosts | Where-Object name -EQ xen3).address
            Add-Content -LiteralPath (Join-Path $UserHome '.ssh/config') -Value 'Host xen3.example.com', "    HostName $xen3"
            $knownHosts = Join-Path $UserHome '.ssh/known_hosts'
            Set-Content -LiteralPath $knownHosts -Value (Get-Content -LiteralPath $knownHosts | Where-Object { ($_ -split ' ')[0] -notin 'xen3', $xen3 })
        }
        # xen5 serves as the bastion of dom0-d: every lab host allows TCP forwarding.
        'New-XenSession/Example 6' = {
            $address = @{}; $Lab.hosts | ForEach-Object { $address[$_.name] = $_.address }
            Set-Content -LiteralPath (Join-Path $UserHome '.ssh/config') -Value 'Host bastion', "    HostName $($address['xen5'])",
                '    User xenadmin', 'Host dom0-d', "    HostName $($address['dom0-d'])", '    ProxyJump bastion'
        }
    }

    function ConvertTo-ComparableText([string] $Text) {
        $lines = ($Text -split '\r?\n' | ForEach-Object TrimEnd) -join "`n"
        $lines.Trim("`n") -replace 'SHA256:[A-Za-z0-9+/]{43}', 'SHA256:<fingerprint>' -replace '\.xenps-\d{8}-\d{6}(-\d+)?\.bak', '.xenps-<time>.bak' `
            -replace 'over ssh in \d+\.\d\d s: \d+\.\d MiB/s', 'over ssh in <seconds> s: <rate> MiB/s' -replace 'take about \d+ s to send', 'take about <seconds> s to send' `
            -replace '(?m)^(EstimatedDuration : )\d\d:\d\d:\d\d(\.\d{7})?$', '$1<duration>' `
            -replace '(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ', '<time> ' -replace '(?m)^(StartTime\s+: ).+$', '$1<time>' `
            -replace '(?m)\s+\d+\.\d s$', ' <seconds> s' -replace '(?<=(helper|process) )\[\d+\]', '[<pid>]' `
            -replace '(?m)(?<= (Succeeded|Failed|Unknown))\s+\d+\.\d s\s+([\d,]+\.\d)?\s+(?=(Destination|Source|Both|Neither|Unknown)$)', ' <seconds> s <rate> ' `
            -replace '(?m)^(GuestDowntime(Resolution)?\s+: )\d\d:\d\d:\d\d(\.\d{7})?$', '$1<duration>' `
            -replace '(?<=\w)-\d{8}-\d{6}-[0-9a-f]{8}\.xenps-save', '-<time>-<id>.xenps-save' -replace 'stopped for about \d+ s', 'stopped for about <seconds> s' `
            -replace 'process \d+ on [^\s,]+, which started it', 'process <pid> on <computer>, which started it' `
            -replace '(?<=new xl format \(info 0x\d+/0x\d+/)\d+\)', '<length>)'
    }
}

AfterAll {
    Stop-TestLab $Lab
    # The lab of the Start-XenLab and Stop-XenLab pages, in case an example that stops it did not run.
    $demoLab = Join-Path ([System.IO.Path]::GetTempPath()) 'xenps-lab-demo'
    if (Test-Path -LiteralPath $demoLab) { Stop-TestLab ([pscustomobject]@{ dir = $demoLab }) }
    # Stopping removes what the lab wrote; the user's folder and the examples' files are this test's.
    Remove-Item -LiteralPath $Lab.dir -Recurse -Force
}

Describe 'The list of examples not run' {
    It 'names an example that exists: <Name>' -ForEach @($NotRun.Keys | ForEach-Object { @{ Name = $_; Listed = $Listed } }) {
        $Listed | Should -Contain $Name
    }
}

Describe 'Help examples of <Page>' -ForEach $Pages {
    BeforeAll {
        # A page of $OwnLab runs against a lab of its own, started for it, with a user's folder of its own.
        $script:PageLab, $script:PageHome = $Lab, $UserHome
        if ($OwnLab.ContainsKey($Page)) {
            $script:PageLab = Start-TestLab -Name $OwnLab[$Page].Name -LabProfile $OwnLab[$Page].Profile
            $script:PageHome = New-UserHome $PageLab
        }
        if ($PageSetup.ContainsKey($Page)) { & $PageSetup[$Page] }
        # The examples run in one PowerShell, in order; an example of $OwnPowerShell starts a new one, which the examples
        # after it go on in.
        $batches = [System.Collections.Generic.List[object]]::new()
        foreach ($example in $Examples) {
            $key = "$Page/$(($example.Title -split ':')[0])"
            if ($batches.Count -eq 0 -or $OwnPowerShell -contains $key) { $batches.Add([System.Collections.Generic.List[object]]::new()) }
            $setup = $ExampleSetup[$key]
            $batches[-1].Add(@{ Title = $example.Title; Commands = $example.Commands; Setup = if ($setup) { "$setup" } })
        }
        $savedHome, $savedPath, $savedData = $env:HOME, $env:PATH, $env:XDG_DATA_HOME
        $env:HOME = $PageHome
        # The user's data folder, with the migration journal, is the one in that HOME.
        $env:XDG_DATA_HOME = Join-Path $PageHome '.local/share'
        $env:PATH = (Join-Path $PageHome 'bin') + [System.IO.Path]::PathSeparator + $env:PATH
        try {
            $script:Results = for ($i = 0; $i -lt $batches.Count; $i++) {
                $examplesPath = Join-Path $PageLab.dir "$Page.$i.examples.json"
                $resultPath = Join-Path $PageLab.dir "$Page.$i.results.json"
                ConvertTo-Json -InputObject @($batches[$i]) -Depth 4 | Set-Content -LiteralPath $examplesPath
                Invoke-ChildPwsh -File $Runner -ArgumentList '-ModulePath', $env:XENPS_MODULE, '-ExamplesPath', $examplesPath, '-WorkingDirectory', $PageHome, '-ResultPath', $resultPath, '-LabPath', (Join-Path $PageLab.dir 'lab.json') | Out-Null
                Get-Content -Raw $resultPath | ConvertFrom-Json
            }
        } finally {
            $env:HOME, $env:PATH, $env:XDG_DATA_HOME = $savedHome, $savedPath, $savedData
        }
    }

    AfterAll {
        if ($OwnLab.ContainsKey($Page)) {
            Stop-TestLab $PageLab
            Remove-Item -LiteralPath $PageLab.dir -Recurse -Force
        }
    }

    It '<Title>' -ForEach $Examples {
        $ran = @($Results | Where-Object Example -EQ $Title)
        $ran.Count | Should -Be $Commands.Count
        for ($i = 0; $i -lt $Commands.Count; $i++) {
            $expected = ConvertTo-ComparableText $Commands[$i].Expected
            foreach ($message in $ran[$i].Errors) {
                $expected | Should -BeLike "*$([WildcardPattern]::Escape((ConvertTo-ComparableText $message)))*" -Because "the example does not show this error of '$($Commands[$i].Command)'"
            }
            ConvertTo-ComparableText $ran[$i].Output | Should -Be $expected -Because "'$($Commands[$i].Command)' shows this output"
        }
    }
}
