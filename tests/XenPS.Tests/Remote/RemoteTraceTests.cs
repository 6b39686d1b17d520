using System;
using System.Collections.Generic;
using XenPS.Core.Migration;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Remote
{
    public class RemoteTraceTests
    {
        [Fact]
        public void ShowsABatchAsItsSectionsCommands()
        {
            var script = new RemoteBatch().Add("env", "PATH=/usr/sbin:$PATH; export PATH").Add("domains", "xl list").Script;

            Assert.Equal("PATH=/usr/sbin:$PATH; export PATH; xl list;", RemoteTrace.Display(script, Array.Empty<string>()));
        }

        [Fact]
        public void ShowsAScriptCallByTheScriptsName()
        {
            var job = new RemoteMigrationJob("tiny");

            Assert.StartsWith("[migration-job.sh] xenps_job_poll '/var/run/xenps/migrate-", RemoteTrace.Display(job.PollScript(0), Array.Empty<string>()));
        }

        [Fact]
        public void MasksSecretsEscapesControlCharactersAndShortens()
        {
            var shown = RemoteTrace.Display("echo hunter2\u001b[2J " + new string('x', 1000), new[] { "hunter2", "" });

            Assert.StartsWith("echo ********\\x1b[2J xxx", shown);
            Assert.DoesNotContain("hunter2", shown);
            Assert.EndsWith("...", shown);
            Assert.Equal(400, shown.Length);
        }

        [Fact]
        public void TracesOnlyTheWorkItListensTo()
        {
            var lines = new List<string>();
            Assert.Null(RemoteTrace.Start("xl-a", "xl list", Array.Empty<string>()));

            using (RemoteTrace.Listen(lines.Add))
            {
                RemoteTrace.Start("xl-a", "xl list", Array.Empty<string>())!.Exited(0);
            }

            Assert.Null(RemoteTrace.Start("xl-a", "xl list", Array.Empty<string>()));
            Assert.Equal(2, lines.Count);
            Assert.Matches(@"^xl-a #\d+ run: xl list$", lines[0]);
            Assert.Matches(@"^xl-a #\d+ exit 0 after \d+ ms$", lines[1]);
        }
    }
}
