using Engine.Backends;

namespace Engine.Lora;

/// <summary>One adapted projection resident on a backend: A (rank, in) and Bᵀ (rank, out), both float32.</summary>
internal sealed record LoraDeviceModule(IDeviceWeight A, IDeviceWeight BTransposed, float Scale, int Rank);
