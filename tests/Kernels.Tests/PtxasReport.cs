using System.Globalization;
using System.Text.RegularExpressions;

namespace Kernels.Tests;

/// <summary>What <c>ptxas -v</c> says about each entry: stack frame bytes, spill store and load bytes.</summary>
public static partial class PtxasReport
{
    public sealed record Entry(string Name, int StackFrameBytes, int SpillStoreBytes, int SpillLoadBytes);

    /// <summary>Parses the "Function properties for NAME" blocks of <paramref name="output"/>.</summary>
    public static IReadOnlyList<Entry> Parse(string output)
    {
        var entries = new List<Entry>();
        foreach (Match m in Properties().Matches(output))
        {
            entries.Add(new Entry(
                m.Groups["name"].Value,
                int.Parse(m.Groups["stack"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["stores"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["loads"].Value, CultureInfo.InvariantCulture)));
        }
        return entries;
    }

    [GeneratedRegex(@"Function properties for (?<name>\S+)\s+(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex Properties();
}
