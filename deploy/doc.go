// Package deploy holds what puts cqmon into an AWS account: the
// CloudFormation template (cqmon.yaml) and the script that builds the
// Lambda function and deploys the stack (deploy.sh). Its tests check the
// template against the function's code (environment, parameter bounds, IAM
// actions) and deploy it through the script into moto.
package deploy
