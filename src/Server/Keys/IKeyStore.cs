namespace Server.Keys;

/// <summary>Resolves a presented API key to its caller; null for unknown or revoked keys.</summary>
public interface IKeyStore
{
    CallerIdentity? Authenticate(string presentedKey);
}
