import GRDB

/// The mirror's schema: one named, append-only migration per change.
///
/// Each domain registers its own migrations (in its own file) in a fixed order; a shipped migration is never
/// edited, only followed by a new one.
public enum Schema {
    /// The tables holding the contract's section 1 entities, in dependency order.
    public static let mirrorTables = [
        "warehouse", "customer", "item", "lane", "transfer", "inventory", "receipt",
        "sales_order", "order_line", "substitute", "commitment", "quota", "app_user",
    ]

    public static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        registerMirrorMigrations(&m)
        registerIntegrationMigrations(&m)
        registerPlanMigrations(&m)
        registerDecisionMigrations(&m)
        registerInsightMigrations(&m)
        registerWorkbenchMigrations(&m)
        registerSampleMigrations(&m)
        return m
    }

    static func registerMirrorMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-mirror") { db in
            try db.execute(sql: """
            CREATE TABLE warehouse (
              warehouse_id TEXT PRIMARY KEY NOT NULL,
              name TEXT NOT NULL DEFAULT '',
              region TEXT NOT NULL,
              handling_days INTEGER NOT NULL DEFAULT 1 CHECK (handling_days >= 0),
              daily_line_capacity INTEGER CHECK (daily_line_capacity >= 0)
            ) STRICT;
            CREATE TABLE customer (
              customer_id TEXT PRIMARY KEY NOT NULL,
              name TEXT NOT NULL DEFAULT '',
              tier TEXT NOT NULL,
              region TEXT,
              credit_status TEXT NOT NULL DEFAULT 'ok' CHECK (credit_status IN ('ok','hold')),
              credit_limit REAL,
              service_target REAL CHECK (service_target BETWEEN 0 AND 1)
            ) STRICT;
            CREATE TABLE item (
              sku TEXT PRIMARY KEY NOT NULL,
              description TEXT NOT NULL DEFAULT '',
              family TEXT,
              unit_cost REAL,
              unit_price REAL,
              critical INTEGER NOT NULL DEFAULT 0 CHECK (critical IN (0,1))
            ) STRICT;
            CREATE INDEX item_family ON item(family);
            CREATE TABLE lane (
              from_warehouse TEXT NOT NULL REFERENCES warehouse(warehouse_id),
              to_region TEXT NOT NULL,
              mode TEXT NOT NULL DEFAULT 'ground' CHECK (mode IN ('ground','expedite')),
              transit_days INTEGER NOT NULL CHECK (transit_days >= 0),
              cost_per_unit REAL NOT NULL CHECK (cost_per_unit >= 0),
              PRIMARY KEY (from_warehouse, to_region, mode)
            ) STRICT;
            CREATE TABLE transfer (
              from_warehouse TEXT NOT NULL REFERENCES warehouse(warehouse_id),
              to_warehouse TEXT NOT NULL REFERENCES warehouse(warehouse_id),
              lead_days INTEGER NOT NULL CHECK (lead_days >= 0),
              cost_per_unit REAL NOT NULL CHECK (cost_per_unit >= 0),
              PRIMARY KEY (from_warehouse, to_warehouse)
            ) STRICT;
            CREATE TABLE inventory (
              warehouse_id TEXT NOT NULL REFERENCES warehouse(warehouse_id),
              sku TEXT NOT NULL REFERENCES item(sku),
              on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
              reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
              safety_stock INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
              as_of TEXT,
              oldest_receipt_date TEXT,
              PRIMARY KEY (warehouse_id, sku)
            ) STRICT;
            CREATE INDEX inventory_sku ON inventory(sku);
            CREATE TABLE receipt (
              receipt_id TEXT PRIMARY KEY NOT NULL,
              warehouse_id TEXT NOT NULL REFERENCES warehouse(warehouse_id),
              sku TEXT NOT NULL REFERENCES item(sku),
              qty INTEGER NOT NULL CHECK (qty >= 0),
              eta TEXT NOT NULL,
              kind TEXT NOT NULL DEFAULT 'po' CHECK (kind IN ('po','transfer'))
            ) STRICT;
            CREATE INDEX receipt_sku ON receipt(sku);
            CREATE TABLE sales_order (
              order_id TEXT PRIMARY KEY NOT NULL,
              customer_id TEXT NOT NULL REFERENCES customer(customer_id),
              order_date TEXT NOT NULL,
              requested_date TEXT NOT NULL,
              ship_to_region TEXT,
              ship_complete INTEGER NOT NULL DEFAULT 0 CHECK (ship_complete IN (0,1)),
              status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','held','cancelled')),
              hold_reason TEXT,
              priority_override INTEGER
            ) STRICT;
            CREATE INDEX sales_order_customer ON sales_order(customer_id);
            CREATE INDEX sales_order_requested ON sales_order(requested_date, order_date, order_id);
            CREATE TABLE order_line (
              order_id TEXT NOT NULL REFERENCES sales_order(order_id) ON DELETE CASCADE,
              line_no INTEGER NOT NULL,
              sku TEXT NOT NULL REFERENCES item(sku),
              qty INTEGER NOT NULL CHECK (qty >= 0),
              unit_price REAL,
              allow_partial INTEGER NOT NULL DEFAULT 1 CHECK (allow_partial IN (0,1)),
              allow_substitute INTEGER NOT NULL DEFAULT 0 CHECK (allow_substitute IN (0,1)),
              PRIMARY KEY (order_id, line_no)
            ) STRICT;
            CREATE INDEX order_line_sku ON order_line(sku);
            CREATE TABLE substitute (
              sku TEXT NOT NULL REFERENCES item(sku),
              substitute_sku TEXT NOT NULL REFERENCES item(sku),
              rank INTEGER NOT NULL DEFAULT 1,
              PRIMARY KEY (sku, substitute_sku)
            ) STRICT;
            CREATE TABLE commitment (
              customer_id TEXT NOT NULL REFERENCES customer(customer_id),
              sku TEXT NOT NULL REFERENCES item(sku),
              qty INTEGER NOT NULL CHECK (qty >= 0),
              period_start TEXT NOT NULL DEFAULT '',
              period_end TEXT NOT NULL DEFAULT '',
              PRIMARY KEY (customer_id, sku, period_start)
            ) STRICT;
            CREATE TABLE quota (
              sku_or_family TEXT NOT NULL,
              tier TEXT NOT NULL,
              max_qty INTEGER NOT NULL CHECK (max_qty >= 0),
              period_start TEXT NOT NULL DEFAULT '',
              period_end TEXT NOT NULL DEFAULT '',
              PRIMARY KEY (sku_or_family, tier, period_start)
            ) STRICT;
            CREATE TABLE app_user (
              user TEXT PRIMARY KEY NOT NULL,
              role TEXT NOT NULL CHECK (role IN ('planner','customer_service','supervisor','finance','admin'))
            ) STRICT;
            CREATE TABLE policy (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              toml TEXT NOT NULL,
              file TEXT NOT NULL,
              loaded_at TEXT NOT NULL
            ) STRICT;
            """)
        }
    }
}
