namespace Engine.Backends;

/// <summary>A weight tensor resident on a backend (kept in its checkpoint dtype), as [Rows, Cols].</summary>
public interface IDeviceWeight
{
    int Rows { get; }

    int Cols { get; }
}
