// Mailtrap API tokens as code: declare, rotate and audit them.
package mailtrap
