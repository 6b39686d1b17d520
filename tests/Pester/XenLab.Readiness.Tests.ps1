# The lab behind the migration readiness checks: tests/XenLab/profiles/readiness.json holds an xm pair (dom0-a runs
# com-xp1, dom0-b receives) and an xl pair (xl-a runs tiny, xl-b receives) with every prerequisite met except dom0-b's
# relocation server. Each profile in profiles/readiness/ breaks one prerequisite: the relocation and xl ones extend
# readiness.json, the other xm ones extend relocation-ready.json (the remedy applied), so that each fails only its own
# check. The profiles are
# checked without starting them; the base lab and the three cheapest variants are started to prove, with the
# machine's own tools inside the hosts, the facts the checks read.

BeforeDiscovery {
    # Each variant, the profile it extends, and the parts of the resolved profile it may change (a path and everything below it).
    $script:Variants = @(
        @{ Variant = 'relocation-ready'; Base = 'readiness'; Changes = @('hosts[dom0-b].xend_config_set') }
        @{ Variant = 'relocation-localhost'; Base = 'readiness'; Changes = @('hosts[dom0-b].xend_config_set') }
        @{ Variant = 'relocation-rejects'; Base = 'readiness'; Changes = @('hosts[dom0-b].xend_config_set') }
        @{ Variant = 'unshared-storage'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].storage') }
        @{ Variant = 'short-memory'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].domains[backup01]') }
        @{ Variant = 'cpu-flags'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].cpu.flags') }
        @{ Variant = 'missing-bridge'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].bridges') }
        @{ Variant = 'pci-device'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-a].domains[com-xp1].pci') }
        @{ Variant = 'same-name'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].domains[com-xp1]') }
        @{ Variant = 'xend-stopped'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].xend_running') }
        @{ Variant = 'xen-minor'; Base = 'readiness/relocation-ready'; Changes = @('hosts[dom0-b].xen.minor', 'hosts[dom0-b].xen.extra') }
        @{ Variant = 'xl-no-trust'; Base = 'readiness'; Changes = @('hosts[xl-a].root_ssh_to') }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:VariantDir = Join-Path $PSScriptRoot '../XenLab/profiles/readiness'
    # com-xp1: 1536 MB, 1 vCPU; a migration needs the memory, 1 MiB per vCPU and 4 KiB per MiB on the destination.
    $script:ComXp1NeedMB = 1536 + 1 + [math]::Ceiling(1536 * 4 / 1024)

    function Get-ProfileLeaf($Node, [string] $Path = '') {
        <# Every value of a resolved profile by path; hosts and domains are keyed by name, other lists are values. #>
        if ($Node -is [System.Management.Automation.PSCustomObject]) {
            foreach ($property in $Node.PSObject.Properties) {
                Get-ProfileLeaf $property.Value ($Path ? "$Path.$($property.Name)" : $property.Name)
            }
        }
        elseif ($Node -is [array] -and $Path -match '(^|\.)(hosts|domains)$') {
            foreach ($item in $Node) { Get-ProfileLeaf $item "$Path[$($item.name)]" }
        }
        else {
            [pscustomobject]@{ Path = $Path; Value = ConvertTo-Json -InputObject $Node -Compress -Depth 20 }
        }
    }

    function Get-ProfileValue([string] $LabProfile) {
        <# The resolved profile's values by path. #>
        $values = @{}
        Get-ProfileLeaf (Get-LabProfile $LabProfile) | ForEach-Object { $values[$_.Path] = $_.Value }
        $values
    }

    function Compare-ProfileValue([hashtable] $Base, [hashtable] $Variant) {
        <# The paths whose values differ between two resolved profiles (name and description left out). #>
        @($Base.Keys) + @($Variant.Keys) | Sort-Object -Unique |
            Where-Object { $_ -notin 'name', 'description' -and $Base[$_] -ne $Variant[$_] }
    }

    function Test-Within([string] $Path, [string] $Part) {
        <# True when a profile path is the part or lies below it. #>
        $Path -eq $Part -or $Path.StartsWith("$Part.") -or $Path.StartsWith("$Part[")
    }

    function Invoke-LabShell($Lab, [string] $HostName, [string] $Script) {
        <# Runs a shell script as root inside a host; its output lines, then 'exit=N' with the script's exit code. #>
        Invoke-LabHost $Lab $HostName @('bash', '-c', "$Script 2>&1; echo exit=`$?")
    }

    function Get-InfoValue($Lab, [string] $HostName, [string] $Key) {
        $line = Invoke-LabHost $Lab $HostName @('xm', 'info') | Where-Object { $_ -match "^$Key\s*:" }
        ($line -replace '^[^:]*:\s*', '').Trim()
    }

    function Get-Address($Lab, [string] $HostName) { ($Lab.hosts | Where-Object name -EQ $HostName).address }
}

Describe 'XenLab readiness profiles' {
    It 'lists every profile of profiles/readiness/ here' {
        $files = Get-ChildItem -LiteralPath $VariantDir -Filter '*.json' | ForEach-Object BaseName | Sort-Object
        $files | Should -Be ($Variants.Variant | Sort-Object)
    }

    It '<Variant> resolves, validates and changes <Base> only at <Changes>' -ForEach $Variants {
        $differs = @(Compare-ProfileValue (Get-ProfileValue $Base) (Get-ProfileValue "readiness/$Variant"))
        $differs | Where-Object { $path = $_; -not ($Changes | Where-Object { Test-Within $path $_ }) } |
            Should -BeNullOrEmpty
        foreach ($change in $Changes) {
            @($differs | Where-Object { Test-Within $_ $change }).Count |
                Should -BeGreaterThan 0 -Because "$Variant changes $change"
        }
    }
}

Describe 'XenLab readiness lab: readiness.json, every prerequisite met but relocation' {
    BeforeAll {
        $script:Ready = Start-TestLab -Name rdy -LabProfile readiness
    }

    AfterAll {
        if ($Ready) { Stop-TestLab $Ready }
    }

    It 'lets root on xl-a run ssh -o BatchMode=yes to xl-b, by name and by address, also inside an SSH session' {
        Invoke-LabShell $Ready xl-a 'ssh -o BatchMode=yes xl-b hostname' | Should -Be @('xl-b', 'exit=0')
        Invoke-LabShell $Ready xl-a "ssh -o BatchMode=yes $(Get-Address $Ready xl-b) true" | Should -Be 'exit=0'
        $output = & ssh -F $Ready.ssh_config xl-a 'ssh -o BatchMode=yes xl-b true && echo trusted' 2>&1
        $LASTEXITCODE | Should -Be 0
        $output | Should -Be 'trusted'
    }

    It 'shows a marker made beside the image on <Source> on <Destination> too (<Folder>)' -ForEach @(
        @{ Source = 'dom0-a'; Destination = 'dom0-b'; Folder = '/THECUS_NFS'; Image = 'com-xp1.img' }
        @{ Source = 'xl-a'; Destination = 'xl-b'; Folder = '/srv/shared'; Image = 'tiny.img' }
    ) {
        $marker = "$Folder/.readiness-$([guid]::NewGuid().ToString('n'))"
        Invoke-LabShell $Ready $Source "test -f $Folder/$Image && touch $marker" | Should -Be 'exit=0'
        Invoke-LabShell $Ready $Destination "test -f $Folder/$Image && test -f $marker && rm $marker" |
            Should -Be 'exit=0'
    }

    It 'gives dom0-b more free memory than com-xp1 needs, and xl-b more than tiny needs' {
        [int](Get-InfoValue $Ready dom0-b free_memory) | Should -BeGreaterOrEqual $ComXp1NeedMB
        $free = Invoke-LabHost $Ready xl-b @('xl', 'info', 'free_memory')
        [int]$free | Should -BeGreaterOrEqual (128 + 1 + 1)
    }

    It 'has the upstream ballooning settings and the relocation server commented out on dom0-b' {
        $config = Invoke-LabHost $Ready dom0-b @('cat', '/etc/xen/xend-config.sxp')
        $config | Should -Contain '(dom0-min-mem 196)'
        $config | Should -Contain '(enable-dom0-ballooning yes)'
        $config -match '^\(xend-relocation-server' | Should -BeNullOrEmpty
        Test-LabConnection $Ready 'dom0-a>dom0-b' | Should -Be 'refused'
        Invoke-LabShell $Ready dom0-b '/usr/sbin/xend status' | Should -Be 'exit=0'
    }

    It 'gives dom0-b the vendor and architecture of dom0-a and a superset of its CPU flags' {
        $probe = @('sh', '-c', 'grep -m1 ^vendor_id /proc/cpuinfo; uname -m; grep -m1 ^flags /proc/cpuinfo')
        $a = Invoke-LabHost $Ready dom0-a $probe
        $b = Invoke-LabHost $Ready dom0-b $probe
        $b[0..1] | Should -Be $a[0..1]
        $a[0] | Should -Match 'AuthenticAMD'
        $flagsA = ($a[2] -replace '^flags\s*:\s*') -split ' '
        $flagsB = ($b[2] -replace '^flags\s*:\s*') -split ' '
        $flagsA | Where-Object { $_ -notin $flagsB } | Should -BeNullOrEmpty
        $flagsA | Should -Contain 'svm'
    }

    It 'has the bridge xenbr0 on every host, and the same tool paths within each pair' {
        foreach ($name in 'dom0-a', 'dom0-b', 'xl-a', 'xl-b') {
            Invoke-LabHost $Ready $name @('sh', '-c', 'ls -d /sys/class/net/*/bridge') |
                Should -Be '/sys/class/net/xenbr0/bridge'
        }
        $paths = { param($name) Invoke-LabHost $Ready $name @('bash', '-c', 'command -v xm xl xend; true') }
        & $paths dom0-b | Should -Be (& $paths dom0-a)
        & $paths dom0-a | Should -Be @('/usr/sbin/xm', '/usr/sbin/xend')
        & $paths xl-b | Should -Be (& $paths xl-a)
    }

    It "resolves lab names and addresses, routes from the host's own address and reaches the destination's SSH port" {
        $a = Get-Address $Ready dom0-a
        $b = Get-Address $Ready dom0-b
        Invoke-LabHost $Ready dom0-b @('getent', 'hosts', $a) | Should -Match "^$([regex]::Escape($a))\s+dom0-a$"
        Invoke-LabHost $Ready dom0-a @('getent', 'hosts', 'dom0-b') | Should -Match "^$([regex]::Escape($b))\s+dom0-b$"
        (Invoke-LabHost $Ready dom0-a @('ip', 'route', 'get', $b))[0] | Should -Match "\bsrc $([regex]::Escape($a))\b"
        Invoke-LabShell $Ready dom0-a "</dev/tcp/$b/22" | Should -Be 'exit=0'
    }
}

Describe 'XenLab readiness lab: readiness/xl-no-trust' {
    BeforeAll {
        $script:NoTrust = Start-TestLab -Name rdytrust -LabProfile readiness/xl-no-trust
    }

    AfterAll {
        if ($NoTrust) { Stop-TestLab $NoTrust }
    }

    It 'refuses root on xl-a a non-interactive ssh to xl-b' {
        $output = Invoke-LabShell $NoTrust xl-a 'ssh -o BatchMode=yes xl-b true'
        $output[-1] | Should -Be 'exit=255'
        Invoke-LabShell $NoTrust xl-a 'test -e /root/.ssh/id_ed25519' | Should -Be 'exit=1'
    }
}

Describe 'XenLab readiness lab: readiness/unshared-storage' {
    BeforeAll {
        $script:Unshared = Start-TestLab -Name rdystore -LabProfile readiness/unshared-storage
    }

    AfterAll {
        if ($Unshared) { Stop-TestLab $Unshared }
    }

    It "has a copy of com-xp1.img at the same path on dom0-b that does not see dom0-a's marker" {
        $size = @('stat', '-c', '%s', '/THECUS_NFS/com-xp1.img')
        Invoke-LabHost $Unshared dom0-b $size | Should -Be (Invoke-LabHost $Unshared dom0-a $size)
        Invoke-LabShell $Unshared dom0-a 'touch /THECUS_NFS/.readiness-marker' | Should -Be 'exit=0'
        Invoke-LabShell $Unshared dom0-b 'test -e /THECUS_NFS/.readiness-marker' | Should -Be 'exit=1'
    }
}

Describe 'XenLab readiness lab: readiness/short-memory' {
    BeforeAll {
        $script:Short = Start-TestLab -Name rdymem -LabProfile readiness/short-memory
    }

    AfterAll {
        if ($Short) { Stop-TestLab $Short }
    }

    It "leaves dom0-b less free memory than com-xp1's 1536 MB, even with Domain-0 ballooned down to dom0-min-mem" {
        $free = [int](Get-InfoValue $Short dom0-b free_memory)
        $free | Should -BeLessThan 1536
        $dom0 = [int]((Invoke-LabHost $Short dom0-b @('xm', 'list', 'Domain-0'))[1] -split '\s+')[2]
        $config = (Invoke-LabHost $Short dom0-b @('cat', '/etc/xen/xend-config.sxp')) -join "`n"
        $config | Should -Match '(?m)^\(enable-dom0-ballooning yes\)'
        $config -match '(?m)^\(dom0-min-mem (\d+)\)' | Should -BeTrue
        $free + $dom0 - [int]$Matches[1] | Should -BeLessThan $ComXp1NeedMB
    }
}
