namespace Server.Limits;

/// <summary>One parallel slot held in a shared store: account × model, named by a fresh id.</summary>
internal sealed record SlotLease(Guid Id, string Account, string Model);
