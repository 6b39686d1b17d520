# What build.ps1 -Task Bench stands on, checked without running it (a benchmark is never a timed test): its scripts parse,
# the fan-out profile is valid, a link delay is refused where no forwarder adds it, and a forwarder that delays its
# chunks still relays a connection exactly, both ways, and passes a half-close on.

BeforeAll {
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $script:LabScript = Join-Path $Root 'tests/XenLab/xenlab.py'

    function Start-Python([string[]] $Arguments) {
        <# Starts python3 -I with the arguments; returns the process and the first line it prints. #>
        $info = [Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
        foreach ($argument in @('-I') + $Arguments) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($info)
        [pscustomobject]@{ Process = $process; Port = $process.StandardOutput.ReadLine() }
    }
}

Describe 'the Bench task' {
    It 'has scripts that parse: <_>' -ForEach @('build.ps1', 'build/Bench.ps1', 'build/Bench.Sessions.ps1', 'build/Bench.Local.ps1', 'build/BenchCommon.psm1') {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Root $_), [ref]$null, [ref]$errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }

    It 'runs on a valid fan-out profile: sixteen xl hosts behind forwarders with a delay' {
        $resolved = & /usr/bin/python3 $LabScript check --profile (Join-Path $Root 'tests/XenLab/profiles/fanout.json') --json | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        @($resolved.hosts | Where-Object { $_.toolstacks -contains 'xl' }).Count | Should -Be 16
        $resolved.topology.client | Should -Be 'forwarded'
        $resolved.link_delay | Should -Be '20ms'
    }

    It 'refuses a link delay <Case>' -ForEach @(
        @{ Case = 'without forwarders'; Json = '{"extends": "BASE", "link_delay": "20ms"}'; Message = "link_delay '20ms' is added by the forwarders of topology client 'forwarded', but client is 'direct'" }
        @{ Case = 'that is not a delay'; Json = '{"extends": "BASE", "link_delay": "20", "topology": {"client": "forwarded"}}'; Message = "link delay '20' is not a delay such as 20ms" }
    ) {
        $folder = Join-Path ([IO.Path]::GetTempPath()) "xenps-bench-profile-$PID"
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        try {
            $file = Join-Path $folder 'profile.json'
            Set-Content -LiteralPath $file -Value ($Json -replace 'BASE', (Join-Path $Root 'tests/XenLab/profiles/default.json'))
            $output = & /usr/bin/python3 $LabScript check --profile $file 2>&1
            $LASTEXITCODE | Should -Be 1
            "$output" | Should -BeLike "xenlab: *$Message*"
        }
        finally { Remove-Item -Recurse -Force $folder }
    }

    It 'relays through a delaying forwarder every byte, in order, both ways, and passes the half-close on' {
        # The server reads to EOF (the client's half-close, passed on), answers with the SHA-256 of what it read and
        # the same bytes reversed, and closes.
        $server = Start-Python '-c', @'
import hashlib, socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
data = conn.makefile("rb").read()
conn.sendall(hashlib.sha256(data).hexdigest().encode() + b"\n" + data[::-1])
conn.close()
'@
        $forwarder = Start-Python (Join-Path $Root 'tests/XenLab/lab/forward.py'), '--lab', 'bench-test', '--host', 'echo',
            '--target', "127.0.0.1:$($server.Port)", '--delay', '0.02'
        try {
            $client = Start-Python '-c', @'
import hashlib, os, socket, sys
data = os.urandom(300000)
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
for i in range(0, len(data), 1000):
    sock.sendall(data[i:i + 1000])
sock.shutdown(socket.SHUT_WR)
answer = sock.makefile("rb").read()
digest, _, back = answer.partition(b"\n")
print(digest.decode() == hashlib.sha256(data).hexdigest(), back == data[::-1], flush=True)
'@, $forwarder.Port
            $client.Port | Should -Be 'connected'
            $client.Process.StandardOutput.ReadToEnd().Trim() | Should -Be 'True True'
            $client.Process.WaitForExit()
            $client.Process.ExitCode | Should -Be 0
        }
        finally {
            foreach ($process in $forwarder.Process, $server.Process) { if (-not $process.HasExited) { $process.Kill() } }
        }
    }
}
