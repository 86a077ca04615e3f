using System.Security.Cryptography;

namespace Server.Keys;

/// <summary>
/// Key material: <c>sk-</c> plus 64 hex digits (256 random bits). Stored as SHA-256(salt ‖ key) with a
/// per-key 16-byte salt; looked up by its first <see cref="PrefixLength"/> hex digits, compared in constant time.
/// </summary>
public static class ApiKeySecret
{
    public const string Scheme = "sk-";
    public const int PrefixLength = 8;
    private const int SecretBytes = 32;

    public static string NewKey() => Scheme + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(16);

    /// <summary>The lookup prefix of a well-formed key, or null when the text cannot be a key of ours.</summary>
    public static string? PrefixOf(string key) =>
        key.Length == Scheme.Length + 2 * SecretBytes && key.StartsWith(Scheme, StringComparison.Ordinal)
            ? key.Substring(Scheme.Length, PrefixLength)
            : null;

    public static byte[] Hash(byte[] salt, string key)
    {
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
        var input = new byte[salt.Length + keyBytes.Length];
        salt.CopyTo(input, 0);
        keyBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }

    /// <summary>Constant-time comparison of the presented key's hash with the stored one.</summary>
    public static bool Matches(string presented, byte[] salt, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, presented), storedHash);
}
