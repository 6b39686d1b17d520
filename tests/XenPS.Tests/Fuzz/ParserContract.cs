using System;
using CsCheck;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Fuzz
{
    /// <summary>
    /// The failure contract of the parsers: on any text a parser returns, or it throws <see cref="XenParseException"/> (which
    /// <see cref="SxpParseException"/> derives from) with a message. Any other exception escapes the lambda, and CsCheck
    /// shrinks the input that raised it and reports it.
    /// </summary>
    internal static class ParserContract
    {
        /// <summary>What a parser gives for a PCI device, whatever numbers it read: <c>DDDD:BB:SS.F</c> in hex.</summary>
        public const string PciAddress = "^[0-9a-f]{4,}:[0-9a-f]{2,}:[0-9a-f]{2,}\\.[0-9a-f]+$";

        /// <summary>The environment variable that multiplies every property's iterations, for a longer run than the default few seconds.</summary>
        public const string ScaleVariable = "XENPS_FUZZ_SCALE";

        private static readonly long Scale = long.TryParse(Environment.GetEnvironmentVariable(ScaleVariable), out var scale) && scale > 0 ? scale : 1;

        /// <summary>
        /// Runs <paramref name="parse"/> on <paramref name="iterations"/> inputs and <paramref name="check"/> on what it returns.
        /// A parser documented never to fail on text (<paramref name="mayRefuse"/> false) must return on every input.
        /// </summary>
        public static void Holds<TInput, TResult>(Gen<TInput> inputs, Func<TInput, TResult> parse, Action<TResult> check, long iterations, Func<TInput, string> show, bool mayRefuse = true)
        {
            inputs.Sample(input =>
            {
                TResult result;
                try
                {
                    result = parse(input);
                }
                catch (XenParseException e) when (mayRefuse)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    return;
                }
                check(result);
            }, iter: iterations * Scale, print: show);
        }

        /// <summary><see cref="Holds{TInput, TResult}"/> for a parser of one text.</summary>
        public static void Holds<TResult>(Gen<string> inputs, Func<string, TResult> parse, Action<TResult> check, long iterations, bool mayRefuse = true) =>
            Holds(inputs, parse, check, iterations, FuzzInput.Show, mayRefuse);
    }
}
