using XenPS.Core.Model;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>What every toolstack's migrate command checks before a word of it reaches the source's shell.</summary>
    internal static class MigrateArguments
    {
        /// <summary>The target host is checked here, right before the toolstack runs it, whoever chose it.</summary>
        public static void CheckTarget(MigrationTarget target, string source)
        {
            if (MigrationTarget.ProblemWith(target.Host) is string problem)
            {
                throw new XenSessionException(XenSessionErrorId.MigrationTargetInvalid,
                    $"The migration target {problem}; nothing was started. Give -MigrationTarget with the destination's name or address as {source} reaches it.");
            }
        }
    }
}
