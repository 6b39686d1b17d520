using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class StartedMigrationTests
    {
        [Fact]
        public void StoppedWatchingSaysTheMigrationGoesOnAndHowToFollowIt()
        {
            var migration = new StartedMigration("web1", "dom0-a", "dom0-b", "xm migrate", "/var/run/xenps/migrate-0123456789abcdef/log");

            Assert.Equal(
                "web1: XenPS stopped watching, but xm migrate goes on on dom0-a. Follow it with 'Get-XenDomain -ComputerName dom0-a, dom0-b -Name web1' " +
                "until web1 runs on dom0-b only, or read its output with 'cat /var/run/xenps/migrate-0123456789abcdef/log' on dom0-a; " +
                "do not start web1 anywhere or destroy a copy of it meanwhile.",
                migration.StoppedWatching());
        }

        [Fact]
        public void StoppedWatchingShowsControlCharactersOfTheNameEscaped()
        {
            var line = new StartedMigration("evil\u001b[2J", "xl-a", "xl-b", "xl migrate", "/log").StoppedWatching();

            Assert.StartsWith("evil\\x1b[2J: XenPS stopped watching", line);
        }

        [Fact]
        public void OnlyMigrationsStillUnderWayGetALine()
        {
            var started = new StartedMigrations();
            var first = new StartedMigration("g1", "a", "b", "xl migrate", "/l1");
            var second = new StartedMigration("g2", "a", "b", "xl migrate", "/l2");
            started.Add(first);
            started.Add(second);
            started.Remove(first);

            var line = Assert.Single(started.StoppedWatching());
            Assert.StartsWith("g2: ", line);
        }
    }
}
