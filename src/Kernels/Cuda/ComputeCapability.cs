using System.Globalization;

namespace Kernels.Cuda;

/// <summary>A device's SM version, e.g. 9.0 for H100; <see cref="PtxTarget"/> is the matching <c>.target</c> (<c>sm_90</c>).</summary>
public readonly record struct ComputeCapability(int Major, int Minor) : IComparable<ComputeCapability>
{
    public string PtxTarget => string.Create(CultureInfo.InvariantCulture, $"sm_{Major}{Minor}");

    public int CompareTo(ComputeCapability other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) < 0;

    public static bool operator >(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) > 0;

    public static bool operator <=(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
