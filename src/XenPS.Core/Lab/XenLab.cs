using System.Diagnostics;
using System.Text.Json;
using XenPS.Core.Remote;

namespace XenPS.Core.Lab
{
    /// <summary>One simulated dom0 of a running lab, as the client reaches it.</summary>
    /// <param name="Name">The host's name, which the lab's ssh_config gives as an alias.</param>
    /// <param name="Address">Its address on the lab network.</param>
    /// <param name="Toolstacks">The toolstacks it simulates (xm, xl).</param>
    /// <param name="XenVersion">The Xen version it reports.</param>
    public sealed record XenLabHost(string Name, string Address, IReadOnlyList<string> Toolstacks, string XenVersion);

    /// <summary>A running lab: what New-XenSession -SshConfigPath needs to reach its hosts, and how to stop it.</summary>
    public sealed class XenLabInfo
    {
        /// <summary>The lab's name, which its network devices carry.</summary>
        public string Name { get; init; } = "";

        /// <summary>The profile it was started from.</summary>
        public string Profile { get; init; } = "";

        /// <summary>The folder of its files: ssh_config, known_hosts, keys, the hosts' roots; Stop-XenLab removes it.</summary>
        public string Directory { get; init; } = "";

        /// <summary>The ssh_config to give New-XenSession -SshConfigPath: it names every host, its keys and its known_hosts.</summary>
        public string SshConfigPath { get; init; } = "";

        /// <summary>The hosts.</summary>
        public IReadOnlyList<XenLabHost> Hosts { get; init; } = Array.Empty<XenLabHost>();
    }

    /// <summary>
    /// Starts and stops XenLab, the simulated dom0s that come with XenPS (its <c>lab</c> folder): real sshd processes in Linux
    /// network and mount namespaces with a simulated xm and xl, for trying XenPS and for testing runbooks without Xen. It runs
    /// <c>python3 xenlab.py</c>, which needs root and installs what the lab lacks (openssh-server, iproute2) with apt-get.
    /// </summary>
    public static class XenLabRunner
    {
        private const string Python = "python3";
        private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(5);

        /// <summary>The names of the profiles in <paramref name="labRoot"/>'s profiles folder, sorted.</summary>
        public static IReadOnlyList<string> Profiles(string labRoot) =>
            System.IO.Directory.Exists(ProfilesFolder(labRoot))
                ? System.IO.Directory.GetFiles(ProfilesFolder(labRoot), "*.json").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal).ToList()!
                : Array.Empty<string>();

        /// <summary>Null when <paramref name="name"/> can name a lab (its network devices carry it): a lower-case letter, then up to 7 letters or digits.</summary>
        public static string? NameProblem(string name) =>
            System.Text.RegularExpressions.Regex.IsMatch(name ?? "", "^[a-z][a-z0-9]{0,7}$") ? null
                : "must be a lower-case letter followed by up to 7 lower-case letters or digits, as the lab's network devices carry it";

        /// <summary>Starts the lab of <paramref name="profile"/> (a name in the profiles folder or a file) in <paramref name="directory"/>.</summary>
        /// <exception cref="XenSessionException">LabFailed: the lab cannot start here, with xenlab.py's reason.</exception>
        public static async Task<XenLabInfo> StartAsync(string labRoot, string profile, string name, string directory, Action<string> log, CancellationToken cancellationToken)
        {
            var profilePath = File.Exists(profile) ? Path.GetFullPath(profile) : Path.Combine(ProfilesFolder(labRoot), profile + ".json");
            if (!File.Exists(profilePath))
            {
                throw new XenSessionException(XenSessionErrorId.LabFailed,
                    $"No lab profile '{profile}': give one of {string.Join(", ", Profiles(labRoot))}, or the path of a profile file.");
            }
            if (NameProblem(name) is string problem) throw new XenSessionException(XenSessionErrorId.LabFailed, $"The lab name '{name}' {problem}.");
            await RunAsync(labRoot, new[] { "start", "--profile", profilePath, "--dir", directory, "--name", name }, log, cancellationToken).ConfigureAwait(false);
            return Read(directory, Path.GetFileNameWithoutExtension(profilePath));
        }

        /// <summary>Stops the lab whose files are in <paramref name="directory"/>: its processes, namespaces, links and files are removed.</summary>
        /// <exception cref="XenSessionException">LabFailed, with xenlab.py's reason.</exception>
        public static Task StopAsync(string labRoot, string directory, Action<string> log, CancellationToken cancellationToken)
        {
            if (!File.Exists(Path.Combine(directory, "lab.json")))
            {
                throw new XenSessionException(XenSessionErrorId.LabFailed, $"{directory} holds no lab (no lab.json): give the Directory of a lab that Start-XenLab started.");
            }
            return RunAsync(labRoot, new[] { "stop", "--dir", directory }, log, cancellationToken);
        }

        /// <summary>The lab described by <paramref name="directory"/>'s lab.json, without the passwords of its users.</summary>
        internal static XenLabInfo Read(string directory, string profile)
        {
            using var lab = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "lab.json")));
            var root = lab.RootElement;
            return new XenLabInfo
            {
                Name = root.GetProperty("name").GetString() ?? "",
                Profile = profile,
                Directory = directory,
                SshConfigPath = root.GetProperty("ssh_config").GetString() ?? "",
                Hosts = root.GetProperty("hosts").EnumerateArray().Select(h => new XenLabHost(
                    h.GetProperty("name").GetString() ?? "",
                    h.GetProperty("address").GetString() ?? "",
                    h.GetProperty("toolstacks").EnumerateArray().Select(t => t.GetString() ?? "").ToList(),
                    h.GetProperty("xen_version").GetString() ?? "")).ToList(),
            };
        }

        private static string ProfilesFolder(string labRoot) => Path.Combine(labRoot, "profiles");

        /// <summary>Runs xenlab.py with <paramref name="arguments"/> as separate words (no shell), its lines to <paramref name="log"/>.</summary>
        private static async Task RunAsync(string labRoot, string[] arguments, Action<string> log, CancellationToken cancellationToken)
        {
            var words = new[] { Path.Combine(labRoot, "xenlab.py") }.Concat(arguments);
            var start = new ProcessStartInfo(Python, string.Join(" ", words.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                throw new XenSessionException(XenSessionErrorId.LabFailed,
                    $"The lab needs python3 on this machine's PATH ({e.Message}): install it (Debian: apt-get install python3) and try again.", e);
            }
            using (process)
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(StartLimit);
                var errors = new StringBuilder();
                var stdout = PumpAsync(process.StandardOutput, log, null);
                var stderr = PumpAsync(process.StandardError, log, errors);
                try
                {
                    await Task.Run(() =>
                    {
                        while (!process.WaitForExit(200)) limit.Token.ThrowIfCancellationRequested();
                    }).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    throw;
                }
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    throw new XenSessionException(XenSessionErrorId.LabFailed,
                        $"xenlab.py {arguments[0]} failed (exit code {process.ExitCode}): {errors.ToString().Trim()} The lab runs as root on Linux with network namespaces; run PowerShell as root.");
                }
            }
        }

        /// <summary>
        /// <paramref name="word"/> as one argument of <see cref="ProcessStartInfo.Arguments"/>, which .NET splits by the
        /// Windows rules on every platform: in double quotes, a quote escaped, and the backslashes before a quote or the end doubled.
        /// </summary>
        internal static string Quote(string word)
        {
            var quoted = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in word)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }
                quoted.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes).Append(c);
                backslashes = 0;
            }
            return quoted.Append('\\', backslashes * 2).Append('"').ToString();
        }

        private static async Task PumpAsync(StreamReader reader, Action<string> log, StringBuilder? keep)
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is string line)
            {
                log(line);
                keep?.AppendLine(line);
            }
        }
    }
}
