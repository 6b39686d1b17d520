using System.Diagnostics;
using XenPS.Core.Scripts;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>The embedded dom0 scripts are there and parse under sh.</summary>
    public class RemoteScriptsTests
    {
        [Fact]
        public void TheTargetScriptIsEmbedded()
        {
            Assert.Contains("migration-target.sh", RemoteScripts.Names);
        }

        [Fact]
        public void EveryScriptParsesUnderSh()
        {
            foreach (var name in RemoteScripts.Names)
            {
                var start = new ProcessStartInfo("/bin/sh", "-n") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
                using var process = Process.Start(start)!;
                process.StandardInput.Write(RemoteScripts.Text(name));
                process.StandardInput.Close();
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"{name}: {errors}");
            }
        }
    }
}
