'use strict';
// The estate model: one fake ARM shared by every stack applied into an estate folder (see ../README.md, "Estate
// model"). The stub providers call apply/read/plan below when TF_STUB_ESTATE names the folder; tests and the
// runner use createEstate, setClock, readEstate.
const path = require('path');
const store = require('./store');
const { ArmModel } = require('./model');
const { handlerFor, tracked, armIdOf } = require('./adapters');
const { EstateRefusal, CONSTRAINTS, POLICIES, BEHAVIOURS } = require('./constraints');
const { POLICY_SETS } = require('./policies');
const { keyOf } = require('./arm');

/**
 * Create (or open) an estate folder. Options: subscription (the default subscription, as ARM_SUBSCRIPTION_ID),
 * policies (policy set names, assigned at the default subscription, or { set, scope } objects), clock (ISO
 * time or epoch ms; default: the machine's clock). Options given for an existing estate are applied to it.
 */
function createEstate(dir, options = {}) {
  store.ensureEstate(path.resolve(dir), options);
  store.transact(path.resolve(dir), (doc) => {
    if (options.subscription) doc.subscription = options.subscription.toLowerCase();
    for (const p of options.policies ?? []) {
      const assignment = typeof p === 'string' ? { set: p, scope: `/subscriptions/${doc.subscription}` } : p;
      if (!POLICY_SETS[assignment.set]) throw new Error(`unknown policy set "${assignment.set}": the estate model knows ${Object.keys(POLICY_SETS).join(', ')}`);
      if (!doc.policies.some((a) => a.set === assignment.set && keyOf(a.scope) === keyOf(assignment.scope))) doc.policies.push(assignment);
    }
    if (options.clock !== undefined) doc.clock = toMs(options.clock);
  });
  return path.resolve(dir);
}

function toMs(clock) {
  if (clock === null) return null;
  const ms = typeof clock === 'number' ? clock : Date.parse(clock);
  if (Number.isNaN(ms)) throw new Error(`estate clock: "${clock}" is not an ISO date`);
  return ms;
}

/** Set the model's clock (ISO time or epoch ms; null: the machine's clock). */
function setClock(dir, clock) {
  store.transact(path.resolve(dir), (doc) => {
    doc.clock = toMs(clock);
  });
}

/** The estate document: { subscription, policies, clock, resources (by lower-case ID), softDeleted }. */
function readEstate(dir) {
  return store.read(path.resolve(dir));
}

/** The stored resource with this ARM ID (any case), or undefined. */
function armResource(dir, id) {
  return readEstate(dir).resources[keyOf(id)];
}

/** The hooks one stub provider process uses. */
function estateHooks(dir) {
  const transact = (fn) => store.transact(dir, (doc) => fn(new ArmModel(doc)));
  return {
    /** Apply one write to the fake ARM; returns a Terraform diagnostic when the estate refuses it. */
    apply({ tfType, action, prior, state, providerConfig }) {
      const subject = action === 'delete' ? prior : state;
      if (!tracked(tfType, subject)) return null;
      try {
        transact((model) => handlerFor(tfType)[action](model, tfType, subject, { providerConfig, prior }));
        return null;
      } catch (e) {
        if (e instanceof EstateRefusal) return e.diagnostic();
        throw e;
      }
    },
    /** What Terraform's refresh sees: the state as the estate has it, or null when it is gone. */
    read(tfType, state) {
      if (!tracked(tfType, state)) return state;
      // Writes replace the file atomically (rename), so a read needs no lock.
      return handlerFor(tfType).read(new ArmModel(store.read(dir)), tfType, state);
    },
    /** Plan-time provider defaults the model reproduces (azurerm_subnet's private_endpoint_network_policies). */
    plan(tfType, planned, config) {
      if (tfType === 'azurerm_subnet' && planned && config && config.private_endpoint_network_policies == null) {
        return { ...planned, private_endpoint_network_policies: 'Disabled' };
      }
      return planned;
    },
  };
}

module.exports = { createEstate, setClock, readEstate, armResource, estateHooks, armIdOf, CONSTRAINTS, POLICIES, BEHAVIOURS, POLICY_SETS };
