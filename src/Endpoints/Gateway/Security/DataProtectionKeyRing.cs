using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// The data-protection key ring (which encrypts the portal cookie) in the Gateway's database, table
/// <c>data_protection_keys</c>, so that every Gateway instance on the database reads the others' cookies and a restart
/// or a new container signs nobody out. The keys are stored as ASP.NET Core writes them, unencrypted: whoever reads the
/// table can decrypt cookies, but a cookie also needs a live row in <c>staff_sessions</c>, of which the table keeps only
/// hashes. The interface is synchronous, so this one class opens its connections synchronously.
/// </summary>
public sealed class DataProtectionKeyRing(SqlStorage storage, TimeProvider time) : IXmlRepository
{
    readonly string _keys = storage.Table("data_protection_keys");

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Open();
        return [.. connection.Query<string>($"SELECT xml FROM {_keys} ORDER BY created_at, name").Select(xml => XElement.Parse(xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = Open();
        connection.Execute($"INSERT INTO {_keys} (name, xml, created_at) VALUES (@name, @xml, @createdAt) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), createdAt = time.GetUtcNow() });
    }

    System.Data.Common.DbConnection Open()
    {
        var connection = storage.Dialect.CreateConnection(storage.ConnectionString);
        try
        {
            storage.Dialect.Open(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
