<#
.SYNOPSIS
    Runs every example of the help pages listed below against the help-examples lab and compares what it shows.
.DESCRIPTION
    An example is the ```powershell block under '### Example N: ...'. Its command lines start with 'PS /> '; the
    lines after one belong to the command while it is incomplete (a trailing '|', backtick or open brace) or while they
    are indented; every other line up to the next command is the output the command shows.

    Each page runs in a PowerShell process of its own (HelpExampleRunner.ps1), in a world a user of the site would
    have: HOME is a folder whose ~/.ssh/config is the lab's ssh_config, so 'dom0-a' means the lab's dom0-a; sessions
    are opened by the examples themselves. Pages run in the order listed, so a page that changes the hosts comes after
    the pages that read them.

    Output is compared as the console shows it (Out-String -Width 120), after these rules, on both sides:
      1. trailing spaces of each line are dropped, and so are the blank lines before and after a command's output;
      2. a host key fingerprint (SHA256: and 43 base64 characters), new with every lab, reads SHA256:<fingerprint>;
      3. the UTC time in the name of a backup of xend-config.sxp (.xenps-YYYYMMDD-HHMMSS.bak) reads .xenps-<time>.bak;
      4. what a bandwidth measurement found: in the Bandwidth check's detail the seconds and the rate ('in 0.87 s: 295.2
         MiB/s') read 'in <seconds> s: <rate> MiB/s' and the estimate ('take about 3 s to send') 'take about <seconds> s
         to send'; the EstimatedDuration of a Format-List reads <duration>.
#>
BeforeDiscovery {
    $pageNames = 'Get-XenDomain', 'Get-XenHost', 'Get-XenSession', 'Get-XendRelocation', 'Remove-XenSession', 'Test-XenMigrationReadiness', 'Set-XendRelocation',
        'Start-XenLab', 'Stop-XenLab'
    # Examples that are not run, with the reason.
    $script:NotRun = @{
        'Remove-XenSession/Example 3' = 'PowerShell prompts for the password of xenadmin'
        'Start-XenLab/Example 2'      = 'a part of a Pester test file (its BeforeAll and AfterAll), not commands typed at a prompt'
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
    $script:Lab = Start-TestLab -Name hlpex -LabProfile help-examples
    $script:UserHome = Join-Path $Lab.dir 'home'
    New-Item -ItemType Directory -Path (Join-Path $UserHome '.ssh') | Out-Null
    # dom0-c is a dom0 whose sshd is down: nothing listens where the user's ssh_config sends it.
    Set-Content -LiteralPath (Join-Path $UserHome '.ssh/config') -Value (Get-Content -Raw $Lab.ssh_config),
        'Host dom0-c', '    HostName 127.0.0.1', '    Port 9', "    IdentityFile $($Lab.keys.id_ed25519)"
    $script:Runner = Join-Path $PSScriptRoot 'HelpExampleRunner.ps1'
    # OpenSSH reads ~/.ssh/config from the home folder of the user's passwd entry, not from HOME: this ssh, first in
    # the examples' PATH, gives the user whose home is UserHome the ssh that reads that user's files.
    $script:UserBin = Join-Path $UserHome 'bin'
    New-Item -ItemType Directory -Path $UserBin | Out-Null
    Set-Content -LiteralPath (Join-Path $UserBin 'ssh') -Value '#!/bin/sh', 'exec /usr/bin/ssh -F "$HOME/.ssh/config" "$@"'
    chmod +x (Join-Path $UserBin 'ssh')
    # The xend-config.sxp each xm host started with, for the pages that find a host as the lab started it.
    foreach ($name in 'dom0-a', 'dom0-b') {
        Invoke-LabHost $Lab $name 'cp', '-p', '/etc/xen/xend-config.sxp', '/root/xend-config.sxp.original' | Out-Null
    }
    function Reset-XendConfig([string] $HostName) {
        Invoke-LabHost $Lab $HostName 'sh', '-c', 'cp -p /root/xend-config.sxp.original /etc/xen/xend-config.sxp && rm -f /etc/xen/*.xenps-*.bak && xend restart' | Out-Null
    }

    # What a page assumes of the site besides the lab profile.
    $script:PageSetup = @{
        'Get-XenDomain'      = { Set-Content -LiteralPath (Join-Path $UserHome 'guests.csv') -Value 'Name,ComputerName', 'com-xp1,dom0-a', 'mail,dom0-b' }
        'Get-XendRelocation' = { Invoke-LabHost $Lab dom0-d 'sh', '-c', 'rm /etc/xen/xend-config.sxp && xend restart' | Out-Null }
        'Set-XendRelocation' = { Reset-XendConfig dom0-a; Reset-XendConfig dom0-b }
    }
    # What an example assumes of the site, run before it (see HelpExampleRunner.ps1) with $Lab and $UserHome.
    $script:ExampleSetup = @{
        # The lab that Stop-XenLab stops by its folder, started by another PowerShell (this page's runner).
        'Stop-XenLab/Example 2' = { Import-Module $ModulePath; Start-XenLab -Name demo | Out-Null }
    }

    function ConvertTo-ComparableText([string] $Text) {
        $lines = ($Text -split '\r?\n' | ForEach-Object TrimEnd) -join "`n"
        $lines.Trim("`n") -replace 'SHA256:[A-Za-z0-9+/]{43}', 'SHA256:<fingerprint>' -replace '\.xenps-\d{8}-\d{6}\.bak', '.xenps-<time>.bak' `
            -replace 'over ssh in \d+\.\d\d s: \d+\.\d MiB/s', 'over ssh in <seconds> s: <rate> MiB/s' -replace 'take about \d+ s to send', 'take about <seconds> s to send' `
            -replace '(?m)^(EstimatedDuration : )\d\d:\d\d:\d\d(\.\d{7})?$', '$1<duration>'
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
        if ($PageSetup.ContainsKey($Page)) { & $PageSetup[$Page] }
        $examplesPath = Join-Path $Lab.dir "$Page.examples.json"
        $resultPath = Join-Path $Lab.dir "$Page.results.json"
        $toRun = foreach ($example in $Examples) {
            $setup = $ExampleSetup["$Page/$(($example.Title -split ':')[0])"]
            @{ Title = $example.Title; Commands = $example.Commands; Setup = if ($setup) { "$setup" } }
        }
        ConvertTo-Json -InputObject @($toRun) -Depth 4 | Set-Content -LiteralPath $examplesPath
        $savedHome, $savedPath = $env:HOME, $env:PATH
        $env:HOME = $UserHome
        $env:PATH = $UserBin + [System.IO.Path]::PathSeparator + $env:PATH
        try {
            Invoke-ChildPwsh -File $Runner -ArgumentList '-ModulePath', $env:XENPS_MODULE, '-ExamplesPath', $examplesPath, '-WorkingDirectory', $UserHome, '-ResultPath', $resultPath, '-LabPath', (Join-Path $Lab.dir 'lab.json') | Out-Null
        } finally {
            $env:HOME, $env:PATH = $savedHome, $savedPath
        }
        $script:Results = Get-Content -Raw $resultPath | ConvertFrom-Json
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
