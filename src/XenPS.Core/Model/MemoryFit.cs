namespace XenPS.Core.Model
{
    /// <summary>
    /// The memory a domain needs on its destination and what the destination has for it: alone, or after the domains of the
    /// same batch that are counted on that destination before it. The receiving toolstack takes from free memory first, then
    /// (xend) from dom0 by ballooning it, down to dom0-min-mem.
    /// </summary>
    public sealed class MemoryFit
    {
        /// <summary>The domain's memory (MiB).</summary>
        public long MemoryMB { get; set; }

        /// <summary>What the receiving toolstack asks for on top of the memory (MiB).</summary>
        public long OverheadMB { get; set; }

        /// <summary>The domain's share of the destination: its memory and the overhead (MiB).</summary>
        public long RequiredMB => MemoryMB + OverheadMB;

        /// <summary>The destination's free memory for this domain (MiB).</summary>
        public long FreeMB { get; set; }

        /// <summary>What xend can still take from dom0 by ballooning it down to dom0-min-mem (MiB); 0 without ballooning.</summary>
        public long BalloonMB { get; set; }

        /// <summary>Free memory and what xend can balloon (MiB).</summary>
        public long AvailableMB => FreeMB + BalloonMB;

        /// <summary>xend's <c>max_free_mem</c> (balloon.py <c>free</c>): a need of this much or more is refused before any ballooning; null where xend does not receive the domain.</summary>
        public long? CeilingMB { get; set; }

        /// <summary>The most the domain may need: the available memory, and less than the ceiling.</summary>
        public long AllowedMB => CeilingMB is long ceiling ? Math.Min(AvailableMB, ceiling - 1) : AvailableMB;

        /// <summary>The destination can receive the domain.</summary>
        public bool Fits => RequiredMB <= AllowedMB;

        /// <summary>The domains of the same batch counted on this destination before this one, each as "NAME (N MiB)"; empty for a domain checked alone.</summary>
        public IReadOnlyList<string> CountedBefore { get; set; } = Array.Empty<string>();

        /// <summary>What the destination has left for later domains once this one is received (MiB); all of it when this one does not fit.</summary>
        public long RemainingMB => Fits ? AvailableMB - RequiredMB : AvailableMB;

        /// <summary>What the overhead is made of, for the check's detail.</summary>
        internal string OverheadText { get; set; } = "";

        /// <summary>
        /// The same domain's figures on a destination whose free memory and balloon are <paramref name="before"/>'s remainder: xend
        /// takes what it needs from free memory, and balloons dom0 for the rest.
        /// </summary>
        internal MemoryFit After(MemoryFit before, IReadOnlyList<string> countedBefore)
        {
            var fromFree = before.Fits ? Math.Min(before.FreeMB, before.RequiredMB) : 0;
            var fromDom0 = before.Fits ? before.RequiredMB - fromFree : 0;
            return new MemoryFit
            {
                MemoryMB = MemoryMB,
                OverheadMB = OverheadMB,
                OverheadText = OverheadText,
                FreeMB = before.FreeMB - fromFree,
                BalloonMB = before.BalloonMB - fromDom0,
                CeilingMB = CeilingMB,
                CountedBefore = countedBefore,
            };
        }
    }
}
