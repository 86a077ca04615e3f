namespace Engine.Backends;

/// <summary>cos and sin of p · inv_freq[i] for every position p below MaxPositions, on a backend.</summary>
public interface IDeviceRopeTable
{
    int MaxPositions { get; }
}
