namespace Engine.Backends;

/// <summary>A float32 activation buffer on a backend: up to <see cref="MaxRows"/> rows (tokens) of <see cref="Cols"/>.</summary>
public interface IDeviceBuffer
{
    int MaxRows { get; }

    int Cols { get; }
}
