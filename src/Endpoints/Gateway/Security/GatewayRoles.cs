namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>The staff roles. A user holds one or more; every API route names the policy it requires.</summary>
public static class GatewayRoles
{
    public const string Admin = "admin";
    public const string PropertyManager = "property-manager";
    public const string Accountant = "accountant";
    public const string MaintenanceCoordinator = "maintenance-coordinator";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Admin, PropertyManager, Accountant, MaintenanceCoordinator, Operator];
}

/// <summary>Authorization policies used by the Gateway's routes.</summary>
public static class GatewayPolicies
{
    /// <summary>Any signed-in staff member: read access to properties, units and leases.</summary>
    public const string Staff = "staff";

    /// <summary>Tenants' names and email addresses: admins, property managers and accountants, who deal with tenants.</summary>
    public const string TenantContacts = "tenant-contacts";

    /// <summary>Create and change properties, units, lease applications and leases: admins and property managers.</summary>
    public const string Leasing = "leasing";

    /// <summary>Rent runs and tenant ledgers: admins, accountants and property managers.</summary>
    public const string Rent = "rent";

    /// <summary>Failed messages, retries and other operator actions: admins and operators.</summary>
    public const string Operations = "operations";

    /// <summary>Users and API tokens: admins only.</summary>
    public const string Admin = "admin";
}
