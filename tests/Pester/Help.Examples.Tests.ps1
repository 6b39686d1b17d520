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
      2. a host key fingerprint (SHA256: and 43 base64 characters), new with every lab, reads SHA256:<fingerprint>.
#>
BeforeDiscovery {
    $pageNames = 'Get-XenDomain', 'Get-XenHost', 'Get-XenSession', 'Get-XendRelocation', 'Remove-XenSession'
    # Examples that are not run, with the reason.
    $script:NotRun = @{
        'Remove-XenSession/Example 3' = 'PowerShell prompts for the password of xenadmin'
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
                ($lines[$i + 1] -match '^\s+\S' -or (Test-IncompleteCommand $command))) {
                $command += "`n" + $lines[++$i]
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
            @{ Page = $page; Title = $_.Groups[1].Value; Commands = @(Split-HelpExample $_.Groups[2].Value) }
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

    # What a page assumes of the site besides the lab profile.
    $script:PageSetup = @{
        'Get-XenDomain'      = { Set-Content -LiteralPath (Join-Path $UserHome 'guests.csv') -Value 'Name,ComputerName', 'com-xp1,dom0-a', 'mail,dom0-b' }
        'Get-XendRelocation' = { Invoke-LabHost $Lab dom0-d 'sh', '-c', 'rm /etc/xen/xend-config.sxp && xend restart' | Out-Null }
    }

    function ConvertTo-ComparableText([string] $Text) {
        $lines = ($Text -split '\r?\n' | ForEach-Object TrimEnd) -join "`n"
        $lines.Trim("`n") -replace 'SHA256:[A-Za-z0-9+/]{43}', 'SHA256:<fingerprint>'
    }
}

AfterAll {
    Stop-TestLab $Lab
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
        ConvertTo-Json -InputObject $Examples -Depth 4 | Set-Content -LiteralPath $examplesPath
        $savedHome = $env:HOME
        $env:HOME = $UserHome
        try {
            Invoke-ChildPwsh -File $Runner -ArgumentList '-ModulePath', $env:XENPS_MODULE, '-ExamplesPath', $examplesPath, '-WorkingDirectory', $UserHome, '-ResultPath', $resultPath | Out-Null
        } finally {
            $env:HOME = $savedHome
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
