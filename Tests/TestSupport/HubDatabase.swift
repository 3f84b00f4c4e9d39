/// The hub's database, configured through DJANGO_DB_* or through DATABASE_URL (a secret: it
/// holds the password), as `[[variable]]` entries whose `when` tests whether a variable is set
/// and takes any one of two tables.
public enum HubDatabase {
    public static let variables = """
        [[variable]]
        name = "ROLE"
        required = true

        [[variable]]
        name = "DATABASE_URL"
        secret = true

        [[variable]]
        name = "DJANGO_DB_NAME"
        required = true
        when = { ROLE = "central_hub", DATABASE_URL = { set = false } }
        message = "the hub needs DJANGO_DB_* or DATABASE_URL"

        [[variable]]
        name = "DJANGO_DB_ENGINE"
        forbid = ["django.db.backends.sqlite3"]
        when = [{ DATABASE_URL = { set = true } }, { DJANGO_DB_NAME = { set = true } }]
        """
}
