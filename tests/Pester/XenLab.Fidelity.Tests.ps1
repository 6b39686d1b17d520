# The lab's simulated toolstack must print what the real Xen tools printed.
# Each case loads a host state built from a profile fragment under
# tests/XenLab/profiles/fidelity/ and diffs the simulator's output with a
# capture in tests/reference/. The simulator runs as a plain process with
# XENSIM_ROOT pointing at a private directory: no namespaces, no SSH.
#
# Masks (applied to both sides, named per case) cover what the publishers of
# a capture changed after Xen printed it:
#   RowOrder        xm sorts by name; Ganeti renamed the domains afterwards, so rows are compared sorted.
#   WrappedUname    Ganeti shortened the instance name after xend laid out the SXP, which left
#                   the (uname ...) block broken over three lines; the block is joined on both sides.
#   CaptureHeader   the capture starts with the output of `hostname` and `uptime`; lines before "host" are dropped.
#   TrailingSpace   the README copy lost trailing spaces; they are stripped on both sides.
#   TabsExpanded    the README copy expanded the header's TABs; TABs are expanded (8 columns) on both sides.

BeforeDiscovery {
    $script:Samples = @(
        @{ Sample = 'xm-list.xen-4.0.1-debian-ganeti-four-instances.txt'; Fragment = 'xm-list.xen-4.0.1-ganeti.json'
           Command = @('xm', 'list'); Masks = @('RowOrder') }
        @{ Sample = 'xm-info.xen-4.0.1-debian-ganeti.txt'; Fragment = 'xm-info.xen-4.0.1-ganeti.json'
           Command = @('xm', 'info'); Masks = @() }
        @{ Sample = 'xm-list-long.xen-4.0.1-debian-ganeti.sxp'; Fragment = 'xm-list-long.xen-4.0.1-ganeti.json'
           Command = @('xm', 'list', '--long'); Masks = @('WrappedUname') }
        @{ Sample = 'xl-list.xen-4.17.5-debian12-x86_64-qemu.txt'; Fragment = 'xl-list.xen-4.17.5-debian12.json'
           Command = @('xl', 'list'); Masks = @() }
        @{ Sample = 'xl-list-l.xen-4.17.5-debian12-pv.json'; Fragment = 'xl-list.xen-4.17.5-debian12.json'
           Command = @('xl', 'list', '-l'); Masks = @() }
        @{ Sample = 'xl-info.xen-4.17.7-debian12-x86_64-qemu.txt'; Fragment = 'xl-info.xen-4.17.7-debian12.json'
           Command = @('xl', 'info'); Masks = @('CaptureHeader') }
        @{ Sample = 'xl-info.xen-4.17.0-yocto-aarch64.txt'; Fragment = 'xl.xen-4.17.0-yocto-aarch64.json'
           Command = @('xl', 'info'); Masks = @('TrailingSpace') }
        @{ Sample = 'xl-list.xen-4.17.0-yocto-aarch64.txt'; Fragment = 'xl.xen-4.17.0-yocto-aarch64.json'
           Command = @('xl', 'list'); Masks = @('TabsExpanded') }
    )
    $script:Errors = @(
        @{ Name = 'xm list of an unknown domain'; Fragment = 'xm-list.xen-4.0.1-ganeti.json'; Xend = 'running'
           Command = @('xm', 'list', 'nosuchdomain'); ExitCode = 3
           StdErr = "Error: Domain 'nosuchdomain' does not exist.`n" }
        @{ Name = 'xm list when xend is stopped'; Fragment = 'xm-list.xen-4.0.1-ganeti.json'; Xend = 'stopped'
           Command = @('xm', 'list'); ExitCode = 1
           StdErr = "Error: Unable to connect to xend: No such file or directory. Is xend running?`n" }
        @{ Name = 'xend status when xend is stopped'; Fragment = 'xm-list.xen-4.0.1-ganeti.json'; Xend = 'stopped'
           Command = @('xend', 'status'); ExitCode = 3; StdErr = '' }
        @{ Name = 'xl list of an unknown name'; Fragment = 'xl-list.xen-4.17.5-debian12.json'; Xend = 'none'
           Command = @('xl', 'list', 'nosuchdomain'); ExitCode = 1
           StdErr = "nosuchdomain is an invalid domain identifier (rc=-6)`n" }
        @{ Name = 'xl list of an unknown domid'; Fragment = 'xl-list.xen-4.17.5-debian12.json'; Xend = 'none'
           Command = @('xl', 'list', '42'); ExitCode = 1
           StdErr = "Error: Domain '42' does not exist.`n" }
    )
}

Describe 'XenLab simulated toolstack' -Skip:(-not $IsLinux) {
    BeforeAll {
        $xenLab = (Resolve-Path (Join-Path $PSScriptRoot '..' 'XenLab')).Path
        $script:Simulator = Join-Path $xenLab 'xensim'
        $script:Fragments = Join-Path $xenLab 'profiles' 'fidelity'
        $script:Reference = (Resolve-Path (Join-Path $PSScriptRoot '..' 'reference')).Path

        function Expand-Tab([string] $Line) {
            $out = [System.Text.StringBuilder]::new()
            foreach ($c in $Line.ToCharArray()) {
                if ($c -eq "`t") { [void]$out.Append(' ', 8 - ($out.Length % 8)) } else { [void]$out.Append($c) }
            }
            $out.ToString()
        }

        $script:Masks = @{
            RowOrder      = { param($t) $l = $t.TrimEnd("`n") -split "`n"
                              (@($l[0]) + ($l[1..($l.Count - 1)] | Sort-Object -CaseSensitive)) -join "`n" }
            WrappedUname  = { param($t) $t -replace '\(uname\n\s+(\S+)\n\s+\)', '(uname $1)' }
            CaptureHeader = { param($t) $t.Substring([regex]::Match($t, '(?m)^host ').Index) }
            TrailingSpace = { param($t) $t -replace '(?m) +$', '' }
            TabsExpanded  = { param($t) (($t -split "`n") | ForEach-Object { Expand-Tab $_ }) -join "`n" }
        }

        function Invoke-Simulator([string] $Root, [string[]] $Arguments) {
            $info = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
            foreach ($a in @('-B', $script:Simulator) + $Arguments) { $info.ArgumentList.Add($a) }
            $info.Environment['XENSIM_ROOT'] = $Root
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $info.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($info)
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit()
            [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
        }

        function New-HostRoot([string] $Fragment) {
            $root = Join-Path ([System.IO.Path]::GetTempPath()) ('xensim-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
            $result = Invoke-Simulator $root @('init-state', '--profile', (Join-Path $script:Fragments $Fragment), '--root', $root)
            if ($result.ExitCode -ne 0) { throw "init-state failed for ${Fragment}: $($result.StdErr)" }
            $root
        }

        function Get-FirstDifference([string] $Expected, [string] $Actual) {
            $e = $Expected -split "`n"; $a = $Actual -split "`n"
            for ($i = 0; $i -lt [Math]::Max($e.Count, $a.Count); $i++) {
                if ($e[$i] -cne $a[$i]) {
                    return "line $($i + 1) differs:`n expected: [$($e[$i])]`n actual:   [$($a[$i])]"
                }
            }
            'the texts are equal'
        }
    }

    Context 'prints <Sample> byte for byte' -ForEach $Samples {
        BeforeAll {
            $script:Root = New-HostRoot $Fragment
            if ($Command[0] -eq 'xm') { (Invoke-Simulator $script:Root @('xend', 'start')).ExitCode | Should -Be 0 }
        }
        AfterAll {
            Invoke-Simulator $script:Root @('xend', 'stop') | Out-Null
            Remove-Item -Recurse -Force $script:Root
        }

        It '<Command> matches the capture (masks: <Masks>)' {
            $result = Invoke-Simulator $script:Root $Command
            $result.StdErr | Should -BeExactly ''
            $result.ExitCode | Should -Be 0
            $expected = [System.IO.File]::ReadAllText((Join-Path $script:Reference $Sample))
            $actual = $result.StdOut
            foreach ($mask in $Masks) {
                $expected = & $script:Masks[$mask] $expected
                $actual = & $script:Masks[$mask] $actual
            }
            $actual | Should -BeExactly $expected -Because (Get-FirstDifference $expected $actual)
        }
    }

    Context '<Name>' -ForEach $Errors {
        BeforeAll {
            $script:Root = New-HostRoot $Fragment
            if ($Xend -eq 'running') { (Invoke-Simulator $script:Root @('xend', 'start')).ExitCode | Should -Be 0 }
        }
        AfterAll {
            Invoke-Simulator $script:Root @('xend', 'stop') | Out-Null
            Remove-Item -Recurse -Force $script:Root
        }

        It 'prints the real error text and exit code' {
            $result = Invoke-Simulator $script:Root $Command
            $result.StdOut | Should -BeExactly ''
            $result.StdErr | Should -BeExactly $StdErr
            $result.ExitCode | Should -Be $ExitCode
        }
    }
}
