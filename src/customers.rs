//! Customers: finding them by email. The operation is its input type, its
//! [`Operation`] entry, the Gorgias request it builds and the mapping of the
//! answer.

use crate::catalog::{self, Operation as Spec};
use crate::client::{ApiRequest, Client, Transport};
use crate::error::Error;
use crate::model::{self, Customer};
use crate::ops::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Input of find-customer-by-email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FindCustomerByEmail {
    /// The address.
    #[schemars(schema_with = "catalog::trimmed_email", description = "Email address to search for")]
    pub email: String,
}

/// What find-customer-by-email answers: `{"customers": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomerList {
    /// The matching customers.
    #[schemars(description = "The matching customers")]
    pub customers: Vec<Customer>,
}

impl Operation for FindCustomerByEmail {
    const SPEC: &'static Spec = &Spec {
        name: "find-customer-by-email",
        title: "Find Customer by Email",
        description: "Look up Gorgias customers by their email address.",
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/customers?email=",
        example: r#"{"email": "customer@example.com"}"#,
        schemas: schemas::<Self>(),
    };
    type Output = CustomerList;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<CustomerList, Error> {
        find_customer_by_email(c, &self.email).map(|customers| CustomerList { customers })
    }
}

// ---- 10. find-customer-by-email ----------------------------------------------

/// `GET /api/customers?email=…`.
pub fn find_customer_request(email: &str) -> Result<ApiRequest, Error> {
    check_non_empty("email", email)?;
    check_email("email", Some(email.trim()))?;
    Ok(ApiRequest::get(
        "/api/customers",
        vec![("email".into(), email.trim().into())],
    ))
}

/// Runs find-customer-by-email.
pub fn find_customer_by_email<T: Transport>(c: &mut Client<T>, email: &str) -> Result<Vec<Customer>, Error> {
    c.call(&find_customer_request(email)?, model::parse_customers)
}
