<#
.SYNOPSIS
    Runs Get-XenDomain on one host in a process of its own and prints, as JSON, the error it gave and the process's peak
    working set, so that a test can bound the memory one query costs.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SshConfigPath,
    [Parameter(Mandatory)][string] $ComputerName,
    [int] $CommandTimeout = 600
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
New-XenSession -ComputerName $ComputerName -SshConfigPath $SshConfigPath -CommandTimeout $CommandTimeout | Out-Null
$domains = Get-XenDomain -ComputerName $ComputerName -ErrorVariable failures -ErrorAction SilentlyContinue
[pscustomobject]@{
    Domains          = @($domains).Count
    ErrorId          = @($failures | ForEach-Object FullyQualifiedErrorId)
    Message          = @($failures | ForEach-Object { $_.Exception.Message })
    PeakWorkingSetMB = [int]([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB)
} | ConvertTo-Json -Compress
